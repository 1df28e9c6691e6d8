/**
 * Kannel, for comparison: bearerbox (internal DLR storage) bound to the same sink, fed by mtbatch (a
 * minimal smsbox that pushes one text to a list of receivers). Timed like smppd: from the start of the
 * push until the sink has all N submit_sm, or with receipts until the sink has had all N deliver_sm
 * answered and bearerbox holds no DLR waiting to be matched.
 *
 * bearerbox runs as Debian's init script starts it: `-v 4` (errors only on the console). Without `-v`
 * it writes every PDU at debug level to stdout, which costs it about three times the CPU per message;
 * a comparison against that is a comparison against a handicapped peer. `store` gives it a durable
 * message store (`store-type = file`), the durability class of smppd's states in Redis; without it a
 * crash of bearerbox loses every message it holds. `window` is its `max-pending-submits` (10 when not
 * set), the same number smppd gets as `windowSize`.
 *
 * `nodelay` runs bearerbox with TCP_NODELAY forced on its sockets (lib/nodelay.c). As shipped it writes
 * with Nagle's algorithm on: with receipts, after a lone deliver_sm_resp its next PDUs wait for the sink's
 * delayed ACK, about 43 ms per window in a capture (tshark), which caps it near one window per 43 ms
 * (window 10: 464 msg/s, 8,299 with the shim, 2,000 jobs). Users get the stall against any SMSC that
 * delays its ACKs; the bench shows both, and takes smppd's ratio against the faster one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/helpers/redis-server.js';
import { TEXTS } from './lib/jobs.js';
import { cpuUs, rssBytes, until, within } from './lib/proc.js';
import { nodelayShim } from './lib/nodelay.js';
import { startSink } from './lib/sink.js';

export const BEARERBOX = '/usr/sbin/bearerbox';
export const MTBATCH = '/usr/bin/mtbatch';

export function kannelAvailable(): boolean { return existsSync(BEARERBOX) && existsSync(MTBATCH); }

export interface KannelResult { msgsPerS: number; seconds: number; cpuUsPerMsg: number; peakRssBytes: number }

/** Kannel's own default for max-pending-submits. */
export const KANNEL_DEFAULT_WINDOW = 10;
/** How Debian's /etc/init.d/kannel starts bearerbox (its BBOXOPTS): console logging at errors only. */
export const BEARERBOX_ARGS = ['-v', '4'];

export interface KannelOptions { jobs: number; receipts: boolean; window: number; store: boolean; nodelay?: boolean }

/** bearerbox's configuration: one SMPP transceiver to the sink, an smsbox port for mtbatch. */
export function kannelConf(c: { admin: number; box: number; sinkPort: number; dir: string; window: number; store: boolean }): string {
  return [
    'group = core', `admin-port = ${c.admin}`, 'admin-password = bench', 'admin-interface = 127.0.0.1',
    'admin-allow-ip = "127.0.0.1"', `smsbox-port = ${c.box}`, 'smsbox-interface = 127.0.0.1', 'box-allow-ip = "127.0.0.1"',
    'log-level = 4', `log-file = "${join(c.dir, 'bearerbox.log')}"`, 'dlr-storage = internal', 'sms-resend-retry = 0',
    ...(c.store ? ['store-type = file', `store-location = "${join(c.dir, 'kannel.store')}"`] : []), '',
    'group = smsbox', 'bearerbox-host = 127.0.0.1', '',
    'group = smsc', 'smsc = smpp', 'smsc-id = sink', 'host = 127.0.0.1', `port = ${c.sinkPort}`, 'transceiver-mode = true',
    'smsc-username = kannel', 'smsc-password = pw', 'system-type = "VMA"', `max-pending-submits = ${c.window}`,
    'msg-id-type = 0x00', 'interface-version = 34', '',
  ].join('\n');
}

export async function runKannel(o: KannelOptions): Promise<KannelResult> {
  const dir = mkdtempSync(join(tmpdir(), 'smppd-bench-kannel-'));
  const sink = await startSink({ expect: o.jobs, receipts: o.receipts, prefer: 'c' });
  const [admin, box] = [await freePort(), await freePort()];
  writeFileSync(join(dir, 'kannel.conf'), kannelConf({ admin, box, sinkPort: sink.port, dir, window: o.window, store: o.store }));
  writeFileSync(join(dir, 'content.txt'), TEXTS.gsm20);
  writeFileSync(join(dir, 'receivers.txt'), Array.from({ length: o.jobs }, (_, i) => `86138${String(i).padStart(8, '0')}`).join('\n') + '\n');
  const shim = o.nodelay ? nodelayShim() : undefined;
  if (o.nodelay && !shim) throw new Error('bench: the TCP_NODELAY shim (bench/lib/nodelay.c) could not be built: is cc installed?');
  const env = shim ? { ...process.env, LD_PRELOAD: shim } : process.env;
  const bb: ChildProcess = spawn(BEARERBOX, [...BEARERBOX_ARGS, join(dir, 'kannel.conf')], { stdio: 'ignore', cwd: dir, env });
  const status = async (): Promise<string> => {
    try { return await (await fetch(`http://127.0.0.1:${admin}/status.txt?password=bench`)).text(); } catch { return ''; }
  };
  try {
    await until('bearerbox bound to the sink', async () => /sink.*\(online/.test(await status()), 30_000, 100);
    const cpu0 = cpuUs(bb.pid!);
    const t0 = Date.now();
    const args = ['-b', '127.0.0.1', '-p', String(box), '-f', '10690000', '-v', '4', ...(o.receipts ? ['-D', '3', '-u', 'http://127.0.0.1:1/dlr'] : []),
      join(dir, 'content.txt'), join(dir, 'receivers.txt')];
    const mt = spawn(MTBATCH, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
    let mtOut = '';
    mt.stderr!.on('data', (d: Buffer) => { mtOut = (mtOut + d.toString()).slice(-5000); });
    mt.once('exit', (code) => { if (code !== 0 && code !== null) console.error(`mtbatch exited ${code}: ${mtOut}`); }); // null: stopped by us
    const timeoutMs = 30_000 + o.jobs * 3;
    let end = await within(sink.reached, timeoutMs, 'bench: Kannel never delivered every submit_sm');
    if (o.receipts) {
      // The receipts are matched when bearerbox has no DLR left in its internal storage.
      await until('bearerbox to match every receipt', async () => {
        const st = await status();
        return Number(/DLR: received (\d+)/.exec(st)?.[1] ?? 0) >= o.jobs && /DLR: 0 queued/.test(st);
      }, timeoutMs, 50);
      end = Date.now();
    }
    const cpu1 = cpuUs(bb.pid!);
    const peak = rssBytes(bb.pid!).peak;
    mt.kill('SIGTERM');
    const seconds = (end - t0) / 1000;
    return { msgsPerS: o.jobs / seconds, seconds, cpuUsPerMsg: (cpu1 - cpu0) / o.jobs, peakRssBytes: peak };
  } finally {
    await new Promise<void>((res) => { if (bb.exitCode !== null) { res(); return; } const t = setTimeout(() => bb.kill('SIGKILL'), 5000); bb.once('exit', () => { clearTimeout(t); res(); }); bb.kill('SIGTERM'); });
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `bearerbox -v`-style version line, for the report. */
export function kannelVersion(): string {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format, not a template
  const r = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'kannel'], { encoding: 'utf8' });
  return r.status === 0 ? `kannel ${r.stdout.trim()}` : 'kannel';
}
