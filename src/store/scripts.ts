/**
 * Loads the Lua scripts (each prefixed with common.lua) and runs them by EVALSHA, falling back to
 * EVAL with the source once when Redis answers NOSCRIPT (its script cache is empty after a restart).
 *
 * runScript encodes the EVALSHA request itself (resp.ts) and hands ioredis a Command whose wire form
 * is that Buffer: ioredis's own script path (defineCommand) flattens, converts and re-buffers every
 * argument: about 30% of the daemon's busy CPU in a V8 profile of a 50,000-job run (ingest sends ~20
 * arguments per job, settle ~6). The Command still goes through sendCommand, so the reply is matched
 * by ioredis's queue and the offline queue, timeouts and close handling (redis.ts) apply as to any
 * other command.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command, type Redis } from 'ioredis';
import { encodeCommand, respHead, type RespArg, type RespHead } from './resp.js';

export const SCRIPTS = ['ingest', 'claim', 'settle', 'receipt', 'recover', 'lease',
  'receipt-sweep', 'mo-part', 'mo-sweep', 'dlr-sweep', 'revive-dead', 'purge-dead'] as const;
export type ScriptName = (typeof SCRIPTS)[number];

const dir = new URL('./lua/', import.meta.url);
let cache: Map<ScriptName, string> | undefined;

export function scriptSource(name: ScriptName): string {
  if (!cache) {
    const common = readFileSync(new URL('common.lua', dir), 'utf8');
    cache = new Map(SCRIPTS.map((n) => [n, `${common}\n${readFileSync(new URL(`${n}.lua`, dir), 'utf8')}`]));
  }
  return cache.get(name)!;
}

interface Loaded { sha: string; numKeys: number; evalsha: RespHead; eval?: RespHead }
const loaded = new Map<ScriptName, Loaded>();

/** A script's request heads, encoded once: its KEYS count is the same on every call (its header lists them). */
function script(name: ScriptName, numKeys: number): Loaded {
  let s = loaded.get(name);
  if (!s || s.numKeys !== numKeys) {
    const sha = createHash('sha1').update(scriptSource(name)).digest('hex');
    s = { sha, numKeys, evalsha: respHead(['evalsha', sha, numKeys]) };
    loaded.set(name, s);
  }
  return s;
}

function commandName(name: ScriptName): string {
  return `smppd_${name.replace(/-/g, '_')}`;
}

/**
 * Registers the scripts as ioredis commands (`smppd_<name>`, `smppd_<name>Buffer`: ioredis's own
 * script path, which bench/script-call.bench.ts compares against), the KEYS count as their first
 * argument. runScript does not use them.
 */
export function defineScripts(r: Redis): void {
  for (const n of SCRIPTS) r.defineCommand(commandName(n), { lua: scriptSource(n) });
}

/** A command whose request is already encoded; the reply is decoded as for any other command. */
class EncodedCommand extends Command {
  constructor(name: 'evalsha' | 'eval', sha: string, private readonly wire: Buffer, replyEncoding: BufferEncoding | null,
    errorStack: Error | undefined) {
    super(name, [sha], { replyEncoding, errorStack }); // args: what error reports (err.command) show
  }

  override toWritable(): Buffer {
    return this.wire;
  }
}

/**
 * Run a script: `keysThenArgs` holds its `numKeys` KEYS, then its ARGV, in one array (a call builds one
 * array, however many arguments it carries). `buffers` returns bulk strings as Buffers (claim returns PDU
 * bodies). The typed calls in script-calls/ are its callers: each knows its script's KEYS and ARGV.
 */
export function runScript(r: Redis, name: ScriptName, numKeys: number, keysThenArgs: RespArg[], buffers = false): Promise<unknown> {
  const s = script(name, numKeys);
  const encoding = buffers ? null : 'utf8';
  const errorStack = r.options.showFriendlyErrorStack ? new Error() : undefined;
  const first = r.sendCommand(new EncodedCommand('evalsha', s.sha, encodeCommand(s.evalsha, keysThenArgs), encoding, errorStack));
  return (first as Promise<unknown>).catch((e: unknown) => {
    if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
    s.eval ??= respHead(['eval', scriptSource(name), numKeys]);
    return r.sendCommand(new EncodedCommand('eval', s.sha, encodeCommand(s.eval, keysThenArgs), encoding, errorStack));
  });
}
