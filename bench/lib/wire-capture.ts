/**
 * The rate section's clock on the wire: tshark captures the submit_sm stream to the sink on the
 * loopback, and the kernel's capture timestamps time each one. On a loaded 2-core machine the sink's
 * own stamps (a worker thread's Date.now() when it reads) counted 510–551 in one second in 4 of 5
 * runs in which the capture, taken in the same runs, never saw more than 500
 * (docs/BENCHMARKS-HISTORY.md, "Sixth round", change 25):
 * a read that comes late stamps a slice late and squeezes it against the next second. Without tshark
 * the sink's stamps are used, and the output says so.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep, until } from './proc.js';

const SUBMIT_SM = 0x00000004;

export function tsharkAvailable(): boolean {
  return spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Times in ms of every submit_sm in `tshark -T fields -e frame.time_epoch -e smpp.command_id` output:
 * one line per TCP segment, its PDUs' command ids comma-separated (a segment carries several).
 */
export function submitTimesFromFields(text: string): number[] {
  const out: number[] = [];
  for (const line of text.split('\n')) {
    const [epoch, ids] = line.trim().split('\t');
    if (!epoch || !ids) continue;
    const ms = Number(epoch) * 1000;
    for (const id of ids.split(',')) if (Number(id) === SUBMIT_SM) out.push(ms);
  }
  return out.sort((a, b) => a - b);
}

export interface WireCapture { stop(): Promise<number[]> }

/** Starts capturing what goes to `port` on the loopback; `stop` returns the submit_sm times (ms, sorted). */
export async function captureSubmits(port: number): Promise<WireCapture> {
  const dir = mkdtempSync(join(tmpdir(), 'smppd-bench-wire-'));
  const file = join(dir, 'wire.pcap');
  const cap: ChildProcess = spawn('tshark', ['-i', 'lo', '-f', `tcp dst port ${port}`, '-w', file, '-q'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  cap.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<void>((res) => cap.once('exit', () => res()));
  await until('tshark to start capturing', () => {
    if (cap.exitCode !== null) throw new Error(`tshark exited (${cap.exitCode}): ${err.slice(-500).trim()}`);
    return err.includes('Capture started'); // 'Capturing on' comes first, before the capture has begun
  }, 10_000, 20);
  return {
    stop: async () => {
      try {
        // The capture hands packets over in blocks retired on a timer (libpcap's buffer timeout, 1 s for
        // dumpcap): stopped at once, it had written none of a test's three submit_sm.
        await sleep(2000);
        cap.kill('SIGINT');
        await exited;
        const r = spawnSync('tshark', ['-r', file, '-d', `tcp.port==${port},smpp`, '-Y', `smpp.command_id == ${SUBMIT_SM}`,
          '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'smpp.command_id'], { encoding: 'utf8', maxBuffer: 64 << 20 });
        if (r.status !== 0) throw new Error(`tshark -r failed: ${r.stderr.slice(-500)}`);
        return submitTimesFromFields(r.stdout);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
