/** The command line (yargs): run, demo, simulate, send, status, check-config, optout, blacklist, dead, bench. */
import yargs, { type Argv } from 'yargs';
import type { Io } from './commands/io.js';
import { Exit } from './commands/io.js';
import { DEFAULT_CONFIG } from './commands/paths.js';
import { VERSION } from './commands/version.js';

const CLASSES = ['otp', 'transactional', 'marketing'] as const;

class UsageError extends Error {}

export async function runCli(argv: string[], io: Io): Promise<number> {
  let code: number = Exit.OK;
  const redisOpts = {
    // --help shows where the default comes from, never the URL itself: REDIS_URL may hold a password.
    redis: { type: 'string', describe: 'Redis URL', default: io.env.REDIS_URL ?? 'redis://127.0.0.1:6379', defaultDescription: '$REDIS_URL, or redis://127.0.0.1:6379' },
    prefix: { type: 'string', describe: 'key prefix', default: 'smppd:' },
  } as const;
  const configOpt = { config: { alias: 'c', type: 'string', describe: 'YAML config file', default: DEFAULT_CONFIG } } as const;
  // optout and blacklist: one command shape over two number lists.
  const numberListCommand = (list: 'optout' | 'blacklist', describe: string) => ({
    command: `${list} <op> <number>`,
    describe,
    builder: (y: Argv) => y
      .positional('op', { choices: ['add', 'remove', 'check'] as const, demandOption: true })
      .positional('number', { type: 'string', demandOption: true })
      .options(redisOpts),
    handler: async (a: { op: 'add' | 'remove' | 'check'; number: string; redis: string; prefix: string }) => {
      const { numberList } = await import('./commands/number-list.js');
      code = await numberList(list, { redis: a.redis, prefix: a.prefix, op: a.op, number: a.number }, io);
    },
  });
  const cli = yargs(argv)
    .scriptName('smppd')
    .usage('$0 <command> [options]\n\nSends SMS from a Redis job stream to carrier SMSCs over SMPP 3.4.')
    .command('run', 'run the daemon', (y) => y.options({
      ...configOpt,
      pretty: { type: 'boolean', describe: 'human-readable logs instead of JSON', default: false },
      'log-level': { type: 'string', describe: 'override log.level' },
    }), async (a) => {
      const { runDaemon } = await import('./commands/run.js');
      code = await runDaemon({ config: a.config, pretty: a.pretty, logLevel: a['log-level'] }, io);
    })
    .command('demo', 'simulator + Redis + daemon + sample jobs, events printed (what `npm start` runs)', (y) => y.options({
      ...configOpt, pretty: { type: 'boolean', default: false, describe: 'human-readable logs' },
      'base-port': { type: 'number', describe: "the simulator's first port (default 2775, then +1, +2); free ones when taken" },
    }), async (a) => {
      const { demo } = await import('./commands/demo.js');
      code = await demo({ config: a.config, pretty: a.pretty, basePort: a['base-port'] }, io);
    })
    .command('simulate', 'run the built-in three-carrier SMSC simulator (cmcc, cucc, ctcc)', (y) => y.options({
      'base-port': { type: 'number', describe: 'first port (default 2775, then +1, +2)' },
      behaviours: { type: 'string', describe: 'JSON per carrier, e.g. {"cmcc":{"throttlePct":5,"hexIds":true}}' },
      cmpp: { type: 'string', describe: 'carriers that play a CMPP ISMG instead, name[:2.0|3.0] comma-separated, e.g. cmcc:3.0' },
      pretty: { type: 'boolean', default: false },
    }), async (a) => {
      const { simulate } = await import('./commands/simulate.js');
      code = await simulate({ basePort: a['base-port'], behaviours: a.behaviours, cmpp: a.cmpp, pretty: a.pretty }, io);
    })
    .command('send', 'push one job to the jobs stream', (y) => y.options({
      ...redisOpts,
      to: { type: 'string', demandOption: true, describe: 'recipient (13800138000, +8613800138000, +447700900123)' },
      text: { type: 'string', demandOption: true, describe: 'message text' },
      from: { type: 'string', describe: 'sender address' },
      class: { choices: CLASSES, describe: 'otp | transactional | marketing (default transactional)' },
      id: { type: 'string', describe: 'job id (default: the stream entry id)' },
      'send-at': { type: 'string', describe: 'ISO time to send at' },
      'expires-at': { type: 'string', describe: 'ISO time after which it is not sent' },
      'dedup-key': { type: 'string', describe: 'jobs with the same key within the dedup window are rejected' },
      tz: { type: 'string', describe: "recipient's IANA time zone" },
      'quiet-hours': { choices: ['respect', 'ignore'] as const, describe: 'quiet hours (marketing always respects)' },
      resend: { type: 'boolean', describe: 'resend when the outcome is unknown after a crash' },
      meta: { type: 'string', describe: 'JSON object echoed in events' },
      wait: { type: 'number', describe: 'follow the job’s events for up to this many ms', default: 0 },
    }), async (a) => {
      const { send } = await import('./commands/send.js');
      code = await send({
        redis: a.redis, prefix: a.prefix, to: a.to, text: a.text, from: a.from, class: a.class, id: a.id,
        sendAt: a['send-at'], expiresAt: a['expires-at'], dedupKey: a['dedup-key'], tz: a.tz,
        quietHours: a['quiet-hours'], resend: a.resend, meta: a.meta, wait: a.wait,
      }, io);
    })
    .command('status', 'lanes, schedule, daemons and dead letters', (y) => y.options({
      ...configOpt, json: { type: 'boolean', default: false, describe: 'JSON instead of a table' },
      redis: { type: 'string', describe: "Redis URL instead of the config's (credentials in the URL)" },
    }), async (a) => {
      const { status } = await import('./commands/status.js');
      code = await status({ config: a.config, json: a.json, redis: a.redis }, io);
    })
    .command('check-config', 'validate a config file and exit (78 when invalid)', (y) => y.options({
      ...configOpt, print: { type: 'boolean', default: false, describe: 'print the resolved config, secrets masked' },
    }), async (a) => {
      const { checkConfig } = await import('./commands/check-config.js');
      code = await checkConfig({ config: a.config, print: a.print }, io);
    })
    .command(numberListCommand('optout', 'add, remove or check an opted-out number'))
    .command(numberListCommand('blacklist', 'add, remove or check a blacklisted number (every class is rejected)'))
    .command('dead <op> [ids..]', 'dead letters (failed after maxAttempts): list, retry (each as a new job) or purge', (y) => y
      .positional('op', { choices: ['list', 'retry', 'purge'] as const, demandOption: true })
      .positional('ids', { type: 'string', array: true, describe: 'dead letter ids (retry, purge)' })
      .options({
        ...redisOpts,
        all: { type: 'boolean', default: false, describe: 'every dead letter (retry, purge)' },
        'older-than': { type: 'string', describe: 'purge those that failed longer ago than this: 7d, 12h, 30m' },
        limit: { type: 'number', default: 50, describe: 'list: how many, newest first' },
        json: { type: 'boolean', default: false, describe: 'JSON instead of text' },
      }), async (a) => {
      const { dead } = await import('./commands/dead.js');
      code = await dead({
        redis: a.redis, prefix: a.prefix, op: a.op, ids: (a.ids ?? []).map(String), all: a.all,
        olderThan: a['older-than'], limit: a.limit, json: a.json,
      }, io);
    })
    .command('bench', 'benchmarks on 127.0.0.1 (own redis-server, SMSC sink, daemon); figures in docs/BENCHMARKS.md', (y) => y.options({
      jobs: { type: 'number', describe: 'end-to-end jobs per run (default 50000)' },
      runs: { type: 'number', describe: 'runs per end-to-end measurement, medians reported (default 3)' },
      only: { type: 'string', describe: 'sections: e2e,kannel,otp,rate,memory,hotpath (default all)' },
      'otp-background': { type: 'number', describe: 'marketing jobs draining during the OTP latency run' },
      'otp-runs': { type: 'number', describe: 'runs per OTP latency measurement, medians reported (default 1)' },
      'rate-tps': { type: 'number', describe: 'carrier TPS for the rate accuracy run' },
      'rate-seconds': { type: 'number', describe: 'length of the rate accuracy run' },
      'memory-jobs': { type: 'number', describe: 'jobs queued for the RSS figure' },
      'awaiting-jobs': { type: 'number', describe: 'jobs awaiting receipts for the Redis bytes figure' },
      profile: { type: 'string', describe: 'write V8 CPU profiles of the daemon to this directory' },
    }), async (a) => {
      const { bench } = await import('./commands/bench.js');
      const names = ['jobs', 'runs', 'only', 'otp-background', 'otp-runs', 'rate-tps', 'rate-seconds', 'memory-jobs', 'awaiting-jobs', 'profile'] as const;
      code = await bench(names.flatMap((n) => (a[n] === undefined ? [] : [`--${n}`, String(a[n])])), io);
    })
    .demandCommand(1, 'name a command; --help lists them')
    .strict()
    .version(VERSION)
    .help()
    .wrap(Math.min(110, yargs().terminalWidth()))
    .fail((msg, err, y) => {
      if (err) throw err;
      io.err(y.help().toString?.() ?? '');
      io.err(`smppd: ${msg}`);
      // Thrown, not returned: yargs would otherwise go on to run the command with the bad arguments.
      throw new UsageError(msg);
    });
  try {
    await cli.parseAsync();
  } catch (e) {
    if (e instanceof UsageError) return Exit.USAGE;
    throw e;
  }
  return code;
}
