/**
 * pino JSON to stdout. Phone numbers are masked wherever they appear in a log line's fields or
 * message (docs/OPERATIONS.md, "Logs"); password and TLS key fields are censored by path.
 */
import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';

export type { Logger };

/** Keep the first 3 and the last 2 digits: enough to tell numbers apart in a log, not to dial one. */
export function maskNumber(s: string): string {
  return s.replace(/\+?\d{7,15}/g, (m) => {
    const plus = m.startsWith('+') ? '+' : '';
    const d = plus ? m.slice(1) : m;
    return `${plus}${d.slice(0, 3)}${'*'.repeat(Math.max(0, d.length - 5))}${d.slice(-2)}`;
  });
}

const NUMBER_KEYS = new Set(['to', 'from', 'number', 'msisdn', 'source', 'dest', 'destination_addr', 'source_addr']);

function maskDeep(v: unknown, depth = 0): unknown {
  if (depth > 4 || v === null || typeof v !== 'object') return v;
  // An Error's message and stack are not enumerable: without this, errors would log as {}.
  if (v instanceof Error) {
    const code = (v as NodeJS.ErrnoException).code;
    return { type: v.name, message: maskNumber(v.message), stack: v.stack, ...(code === undefined ? {} : { code }) };
  }
  if (Array.isArray(v)) return v.map((x) => maskDeep(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    out[k] = NUMBER_KEYS.has(k) && typeof x === 'string' ? maskNumber(x) : maskDeep(x, depth + 1);
  }
  return out;
}

export function createLogger(opts: { level?: string; pretty?: boolean; destination?: pino.DestinationStream } = {}): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level ?? 'info',
    name: 'smppd',
    redact: { paths: ['password', '*.password', '*.*.password', 'tlsKey', '*.tlsKey', '*.*.tlsKey', 'redis.url'], censor: '***' },
    formatters: { log: (o) => maskDeep(o) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        const a = args as unknown[];
        const i = a.findIndex((x) => typeof x === 'string');
        if (i >= 0) a[i] = maskNumber(a[i] as string);
        method.apply(this, a as Parameters<typeof method>);
      },
    },
  };
  if (opts.pretty && prettyInstalled()) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, destination: 1 } } });
  }
  const log = pino(options, opts.destination ?? pino.destination({ dest: 1, sync: false }));
  // pino-pretty is a development dependency: a production install may lack it; JSON is still readable.
  if (opts.pretty) log.warn('--pretty needs the pino-pretty package (npm install pino-pretty); logging JSON');
  return log;
}

function prettyInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

export const silentLogger: Logger = pino({ level: 'silent' });
