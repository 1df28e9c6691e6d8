/**
 * `smppd run`: the daemon. SIGTERM/SIGINT drain and exit 0 (during start, they end a wait for the lease and
 * exit 0); a second one exits at once; SIGHUP reloads.
 */
import { App } from '../app.js';
import { loadConfig, loadConfigChecked } from '../config/load.js';
import type { Config } from '../config/types.js';
import { SmppdError } from '../errors.js';
import { AcquireAborted } from '../pipeline/lease-keeper.js';
import { createLogger, type Logger } from '../obs/logger.js';
import { exitFor } from './errors.js';
import { Exit, type Io } from './io.js';
import { VERSION } from './version.js';

export interface RunArgs {
  config: string; pretty?: boolean; logLevel?: string;
  /** Changes the loaded config before use, at start and at every reload (the demo points carriers at its simulator). */
  adjust?: (cfg: Config) => Config | Promise<Config>;
}

export async function runDaemon(args: RunArgs, io: Io, hooks: { onStarted?: (app: App, cfg: Config, log: Logger) => void } = {}): Promise<number> {
  let cfg: Config;
  let warnings: string[];
  try {
    ({ config: cfg, warnings } = await loadConfigChecked(args.config, io.env));
    if (args.adjust) cfg = await args.adjust(cfg);
  } catch (e) {
    const { code, line } = exitFor(e);
    io.err(line);
    return code;
  }
  // --log-level wins over the file's log.level, at start and at every reload.
  const withLevel = (c: Config): Config => (args.logLevel === undefined ? c : { ...c, log: { level: args.logLevel } });
  cfg = withLevel(cfg);
  const log = createLogger({ level: cfg.log.level, pretty: args.pretty });
  for (const w of warnings) log.warn({ config: args.config }, w);
  const clockOffsetMs = Number(io.env.SMPPD_CLOCK_OFFSET_MS ?? 0);
  if (!Number.isSafeInteger(clockOffsetMs)) {
    io.err(`smppd: SMPPD_CLOCK_OFFSET_MS must be an integer number of milliseconds, got ${JSON.stringify(io.env.SMPPD_CLOCK_OFFSET_MS)}`);
    return Exit.USAGE;
  }
  // A drill and test aid (docs/CARE.md): never set in production.
  if (clockOffsetMs !== 0) log.warn({ clockOffsetMs, clock: new Date(Date.now() + clockOffsetMs).toISOString() }, 'clock offset in effect');
  const app = new App({ config: cfg, logger: log, version: VERSION, clockOffsetMs });
  // A signal during start ends its waits (a predecessor's lease can take longer than systemd's stop timeout).
  const signalled = io.untilSignal();
  const abort = new AbortController();
  void signalled.then(() => abort.abort());
  try {
    await app.start(abort.signal);
  } catch (e) {
    if (e instanceof AcquireAborted) {
      log.info({ signal: await signalled }, 'stopping before start finished: nothing was bound or claimed');
      await app.stop(0).catch(() => undefined);
      log.info('stopped');
      await new Promise<void>((res) => log.flush(() => res()));
      return Exit.OK;
    }
    const { code, line } = exitFor(e);
    // A coded error says all in its line; a stack is for the uncoded ones (bugs).
    log.error(e instanceof SmppdError ? { code: e.code } : { err: e }, line);
    io.err(line);
    await app.stop(0).catch(() => undefined);
    return code;
  }
  log.info({ config: args.config, instanceId: cfg.instanceId, metricsPort: app.metricsPort }, 'smppd running');
  hooks.onStarted?.(app, cfg, log);
  // Reloads run one after another: two quick SIGHUPs must not swap carriers under each other.
  let reloading: Promise<void> = Promise.resolve();
  let drainMs = cfg.shutdown.drainMs;
  const offHup = io.onSignal('SIGHUP', () => {
    reloading = reloading.then(() => loadConfig(args.config, io.env).then((c) => args.adjust?.(c) ?? c).then(
      (next) => app.reload(withLevel(next)).then((applied) => { drainMs = next.shutdown.drainMs; log.info({ applied }, 'configuration reloaded'); }),
      (e) => log.error({ err: (e as Error).message }, 'reload refused: the new configuration is invalid; keeping the old one'),
    )).catch((e) => log.error({ err: e }, 'reload failed'));
  });
  const sig = await signalled;
  log.info({ signal: sig, drainMs }, 'stopping: intake closed, draining in-flight messages');
  await reloading;
  // Every stop step runs even when one fails; each failure is logged with its step's name.
  const failed = await app.stop().then(() => false, () => true);
  offHup();
  if (failed) log.error('stopped, but stop steps failed (named above)');
  else log.info('stopped');
  await new Promise<void>((res) => log.flush(() => res()));
  return failed ? Exit.SOFTWARE : Exit.OK;
}
