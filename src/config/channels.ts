/**
 * How a carrier's channels come from its config (docs/CHANNELS.md): a channel field written at carrier
 * level is a default for each of its channels, a channel's own value wins, and the schema's default fills
 * the rest. A problem found on the resolved channel is named where its value is written
 * (`carriers[0].channels[1].reconnectMinMs`, or `carriers[0].reconnectMinMs` for an inherited one).
 */
import * as z from 'zod';
import { channelFieldShape, DEFAULT_PORT } from './channel-schema.js';
import { oneOf } from './fields.js';
import { wording } from './problems.js';
import { tlsPems } from './tls-files.js';

type Layer = Record<string, unknown>;
type Key = string | number;

/** The keys a layer writes (a key parsed as absent is not written). */
export const written = (o: Layer): Layer => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** Rules between the fields of one resolved channel. */
function channelRules(ch: { protocol: string; reconnectMinMs: number; reconnectMaxMs: number; bindType: string; systemId: string }, ctx: z.RefinementCtx): void {
  const at = (key: string, message: string): void => ctx.addIssue({ code: 'custom', path: [key], message });
  // The back-off doubles from the one up to the other: a floor above the ceiling is a mistake.
  if (ch.reconnectMinMs > ch.reconnectMaxMs) at('reconnectMinMs', `must not exceed reconnectMaxMs (${ch.reconnectMaxMs})`);
  if (ch.protocol === 'cmpp') {
    // A carrier's bindType is not inherited by its CMPP channels (carrier-schema.ts): one written here is refused.
    if (ch.bindType !== 'transceiver') at('bindType', 'CMPP has no transmitter/receiver split: leave it out');
    if (!/^\d{6}$/.test(ch.systemId)) at('systemId', 'must be the SP\'s enterprise code (6 digits) for a CMPP channel');
  }
}

/** The resolved channel fields, as a parse of the merged layers: `checked` adds the rules between them. */
export function resolvedFields(env: NodeJS.ProcessEnv) {
  const merged = z.object({ protocol: oneOf(['smpp', 'cmpp']), ...channelFieldShape(env) });
  const settle = (v: z.output<typeof merged>, ctx: z.RefinementCtx) => {
    const { protocol, host, port, tls, tlsCaFile, tlsCertFile, tlsKeyFile, tlsKeyPassphrase, ...rest } = v;
    const report = (key: string, message: string): undefined => void ctx.addIssue({ code: 'custom', path: [key], message });
    const pems = tlsPems({ tls, tlsCaFile, tlsCertFile, tlsKeyFile, tlsKeyPassphrase }, report);
    // CMPP has no transmitter/receiver split: each connection both submits and takes DELIVERs.
    if (protocol === 'cmpp') rest.bindType = 'transceiver';
    return { host, port: port ?? DEFAULT_PORT[protocol], tls, ...pems, ...rest };
  };
  return { unchecked: merged.transform(settle), checked: merged.superRefine(channelRules).transform(settle) };
}

export type ChannelFieldsOut = z.output<ReturnType<typeof resolvedFields>['checked']>;

/**
 * Parses one channel's layers, `own` over `base` (its carrier's); each problem goes into `ctx` at `ownAt`
 * + its key when `own` writes that key, else at the carrier's key. Nothing when a problem was found.
 */
export function resolve<T>(schema: z.ZodType<T>, own: Layer, base: Layer, ownAt: Key[], ctx: z.RefinementCtx): T | undefined {
  const r = schema.safeParse({ ...base, ...own }, { error: wording });
  if (r.success) return r.data;
  for (const i of r.error.issues) {
    ctx.addIssue({ ...i, code: 'custom', path: [...(String(i.path[0]) in own ? ownAt : []), ...i.path] } as z.core.$ZodRawIssue);
  }
  return undefined;
}

/** Channels are kept in priority order (the file's order among equals). */
export function byPriority<C extends { priority: number }>(channels: readonly C[]): C[] {
  return channels.map((ch, i) => ({ ch, i })).sort((a, b) => a.ch.priority - b.ch.priority || a.i - b.i).map((x) => x.ch);
}
