/**
 * How a carrier's channels come from its config (docs/CHANNELS.md): a channel field written at carrier
 * level is a default for each of its channels, a channel's own value wins, and the schema's default fills
 * the rest. A problem found on the resolved channel is named where its value is written
 * (`carriers[0].channels[1].reconnectMinMs`, or `carriers[0].reconnectMinMs` for an inherited one).
 */
import * as z from 'zod';
import { channelFieldShape, DEFAULT_PORT } from './channel-schema.js';
import { oneOf, settled, type Valid } from './fields.js';
import { wording } from './problems.js';
import { tlsPems } from './tls-files.js';

export type Layer = Record<string, unknown>;
export type Key = string | number;
/** Names a problem at a path (from the carrier being resolved). */
export type Report = (path: Key[], message: string) => void;

/** A value already named wrong where it is written: the layers are checked without it, and it is not named twice. */
const INVALID = Symbol('invalid');

/** The keys of `o` among `keys` a layer writes (a key parsed as absent is not written); a wrong one stands as INVALID. */
export function layer(o: Layer, keys: Iterable<string>, ok: (key: string) => boolean): Layer {
  const out: Layer = {};
  for (const k of keys) if (o[k] !== undefined || !ok(k)) out[k] = ok(k) ? o[k] : INVALID;
  return out;
}

const TLS_KEYS = ['tls', 'tlsCaFile', 'tlsCertFile', 'tlsKeyFile', 'tlsKeyPassphrase'] as const;

/** Rules between the fields of one resolved channel, each once the fields it reads are valid. */
function channelRules(ch: { protocol: string; reconnectMinMs: number; reconnectMaxMs: number; bindType: string; systemId: string }, ok: Valid, ctx: z.RefinementCtx): void {
  const at = (key: string, message: string): void => ctx.addIssue({ code: 'custom', path: [key], message });
  // The back-off doubles from the one up to the other: a floor above the ceiling is a mistake.
  if (ok('reconnectMinMs') && ok('reconnectMaxMs') && ch.reconnectMinMs > ch.reconnectMaxMs) at('reconnectMinMs', `must not exceed reconnectMaxMs (${ch.reconnectMaxMs})`);
  if (ok('protocol') && ch.protocol === 'cmpp') {
    // A carrier's bindType is not inherited by its CMPP channels (carrier-schema.ts): one written here is refused.
    if (ok('bindType') && ch.bindType !== 'transceiver') at('bindType', 'CMPP has no transmitter/receiver split: leave it out');
    if (ok('systemId') && !/^\d{6}$/.test(ch.systemId)) at('systemId', 'must be the SP\'s enterprise code (6 digits) for a CMPP channel');
  }
}

/**
 * The resolved channel fields, as a parse of the merged layers: `checked` adds the rules between them;
 * `object` gives a few of them (`pick`) to a carrier's rules.
 */
export function resolvedFields(env: NodeJS.ProcessEnv) {
  const object = z.object({ protocol: oneOf(['smpp', 'cmpp']), ...channelFieldShape(env) });
  const step = (rules: boolean) => (v: z.output<typeof object>, ok: Valid, ctx: z.RefinementCtx) => {
    if (rules) channelRules(v, ok, ctx);
    const { protocol, host, port, tls, tlsCaFile, tlsCertFile, tlsKeyFile, tlsKeyPassphrase, ...rest } = v;
    const report = (key: string, message: string): undefined => void ctx.addIssue({ code: 'custom', path: [key], message });
    if (!TLS_KEYS.every((k) => ok(k))) return undefined;
    const pems = tlsPems({ tls, tlsCaFile, tlsCertFile, tlsKeyFile, tlsKeyPassphrase }, report);
    // CMPP has no transmitter/receiver split: each connection both submits and takes DELIVERs.
    if (protocol === 'cmpp') rest.bindType = 'transceiver';
    return { host, port: port ?? DEFAULT_PORT[protocol], tls, ...pems, ...rest };
  };
  return { object, unchecked: settled(object, step(false)), checked: settled(object, step(true)) };
}

export type ChannelFieldsOut = z.output<ReturnType<typeof resolvedFields>['checked']>;

/**
 * Parses one channel's layers, `own` over `base` (its carrier's); each problem is reported at `ownAt`
 * + its key when `own` writes that key, else at the carrier's key. Nothing when a problem was found.
 */
export function resolve<T>(schema: z.ZodType<T>, own: Layer, base: Layer, ownAt: Key[], report: Report): T | undefined {
  const input = { ...base, ...own };
  const r = schema.safeParse(input, { error: wording });
  if (r.success) return r.data;
  for (const i of r.error.issues) {
    const key = String(i.path[0]);
    if (input[key] !== INVALID) report([...(key in own ? ownAt : []), ...(i.path as Key[])], i.message);
  }
  return undefined;
}

/** Channels are kept in priority order (the file's order among equals). */
export function byPriority<C extends { priority: number }>(channels: readonly C[]): C[] {
  return channels.map((ch, i) => ({ ch, i })).sort((a, b) => a.ch.priority - b.ch.priority || a.i - b.i).map((x) => x.ch);
}
