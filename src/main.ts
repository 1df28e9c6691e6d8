#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=4
/** The only module that touches `process`: argv, env, signals, exit code. */
import { runCli } from './cli.js';
import { Exit, type Io } from './commands/io.js';

let signalled: ((sig: string) => void) | undefined;
let signals = 0;
const untilSignal = new Promise<string>((res) => { signalled = res; });
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    signals++;
    // A second signal during shutdown exits at once (Exit.FORCED); the drain is abandoned.
    if (signals > 1) process.exit(Exit.FORCED);
    signalled?.(sig);
  });
}
process.on('SIGHUP', () => undefined); // replaced by `run`; never the default (which would kill us)

const io: Io = {
  env: process.env,
  script: process.argv[1],
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  onSignal: (sig, fn) => { process.on(sig, fn); return () => { process.off(sig, fn); }; },
  untilSignal: () => untilSignal,
};

runCli(process.argv.slice(2), io).then(
  (code) => { process.exit(code); },
  (e) => { process.stderr.write(`smppd: internal error: ${(e as Error)?.stack ?? String(e)}\n`); process.exit(Exit.SOFTWARE); },
);
