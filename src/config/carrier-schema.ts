/**
 * A carrier (docs/CONFIG.md, "`carriers`"): a routing target, its own fields, and its channels. Written
 * without `channels`, the carrier's channel fields describe its only channel: SMPP, named as the carrier.
 * With `channels:`, they are defaults for each channel (channels.ts).
 */
import * as z from 'zod';
import { asWritten, channelFieldShape, writtenChannel } from './channel-schema.js';
import { byPriority, resolve, resolvedFields, written, type ChannelFieldsOut } from './channels.js';
import { between, int, integer, mapping, name, num, oneOf, strings } from './fields.js';
import { isTableName, TABLE_NAMES } from '../route/china-prefixes.js';

/** When a channel stops taking new messages, and when it takes them again (docs/CHANNELS.md, "Failover"). */
const failoverShape = {
  afterMs: int(0, 3_600_000).default(30_000).meta({ description: 'a channel with no bound session for this long stops taking new messages (docs/CHANNELS.md, "Failover")' }),
  windowMs: int(1000, 3_600_000).default(60_000).meta({ description: 'the answers a channel\'s health is judged on: those of the last `windowMs`' }),
  maxPermanentShare: num(0, 1).default(0.5).meta({ description: '0..1: with at least `minAnswers` answers in the window, a larger share of permanent refusals fails the channel' }),
  maxThrottleShare: num(0, 1).default(0.8).meta({ description: '0..1: the same for throttling answers' }),
  minAnswers: int(1, 1_000_000).default(50).meta({ description: 'fewer answers than this in the window prove nothing either way' }),
};
export const failover = mapping(failoverShape);

/** A carrier's `prefixes`: number prefixes (`86134`, `134`, `+44`) or a built-in table's name (`china:cmcc`). */
const prefixes = strings().superRefine((list, ctx) => list.forEach((p, i) => {
  if (!/^\+?\d{1,15}$/.test(p) && !isTableName(p)) {
    ctx.addIssue({ code: 'custom', path: [i], message: `must be digits or one of ${TABLE_NAMES.join(', ')}, got ${JSON.stringify(p)}` });
  }
}));

const NON_EMPTY = 'must be a non-empty list (or left out: one SMPP channel named as the carrier)';

/** The keys of a carrier itself; every channel field may be written beside them as a default. */
export function carrierOwnShape(env: NodeJS.ProcessEnv) {
  return {
    name: name().meta({ description: '`a-z 0-9 _ -`, unique; used in keys, metrics and events' }),
    prefixes: prefixes.default([]).meta({
      description: 'number prefixes routed here: E.164 digits (`86134`) or national (`134`, the country code is added), or a built-in table by name: '
        + '`china:cmcc`, `china:cucc`, `china:ctcc` (the +86 blocks of China Mobile, Unicom, Telecom in `src/route/china-prefixes.ts`; the shipped configs use these). '
        + 'Mix freely: `["china:cucc", "86199"]`; anything else is refused',
    }),
    // Kept slots must be free on whichever channel takes traffic: bounded by the smallest channel's window (carrierRules).
    otpWindowSlots: integer().optional().meta({
      default: '`windowSize × binds / 10` of the smallest channel, rounded down',
      description: 'window slots (all binds together) only OTP may fill while OTPs come (one queued by this daemon in the last 60 s): transactional and marketing are then claimed only while more are free, '
        + 'so an OTP does not wait for a slot behind a marketing drain. With no OTP lately the whole window is theirs, and rate tokens are never kept, so a carrier\'s throughput is the same without OTP traffic. '
        + 'At most the smallest channel\'s `windowSize × binds` less one; `0` turns it off',
    }),
    maxParts: int(1, 255).default(10).meta({ description: 'more parts → TOO_MANY_PARTS; must not exceed any channel\'s `windowSize` (all parts go out together on one bind of one channel)' }),
    signatureReserve: int(0, 60).default(0).meta({ description: 'characters kept free for a signature the carrier appends itself' }),
    optOut: oneOf(['append', 'reject']).default('append').meta({ description: 'a marketing text without the opt-out line: `append` it, or `reject` (MISSING_OPTOUT)' }),
    failover,
    channels: z.array(writtenChannel(env), NON_EMPTY).min(1, NON_EMPTY).optional()
      .meta({ default: 'one SMPP channel named as the carrier', description: 'the carrier\'s channels (below); never empty' }),
  };
}

type Written = z.output<ReturnType<typeof writtenCarrier>>;
type WrittenChannel = z.output<ReturnType<typeof writtenChannel>>;

/** A channel as the schema resolves it: its own keys, and its fields from the layers (channels.ts). */
export type ResolvedChannel = Pick<WrittenChannel, 'name' | 'protocol' | 'priority' | 'weight' | 'cmpp'> & ChannelFieldsOut;
const CHANNEL_FIELD_KEYS = new Set(Object.keys(channelFieldShape({})));
type Fields = ReturnType<typeof resolvedFields>;

/** A carrier as written: its own keys and the channel fields it sets for its channels. */
function writtenCarrier(env: NodeJS.ProcessEnv) {
  return mapping({ ...carrierOwnShape(env), ...asWritten(channelFieldShape(env)) });
}

/** The carrier's channels resolved, in the file's order; nothing when one of them has a problem. */
function channelsOf(c: Written, fields: Fields, ctx: z.RefinementCtx): ResolvedChannel[] | undefined {
  const { name: carrierName, channels } = c;
  const base = written(Object.fromEntries(Object.entries(c).filter(([k]) => CHANNEL_FIELD_KEYS.has(k))));
  if (channels === undefined) {
    const f = resolve(fields.checked, { protocol: 'smpp', ...base }, {}, [], ctx);
    return f && [{ name: carrierName, protocol: 'smpp', priority: 1, weight: 1, ...f }];
  }
  // A default every channel overrides is still checked: a wrong value in the file is named, never ignored.
  resolve(fields.unchecked, { protocol: 'smpp', ...base }, { host: '-', systemId: '-' }, [], ctx);
  // CMPP has no transmitter/receiver split: a carrier's bindType is not its CMPP channels'.
  const { bindType: _, ...cmppBase } = base;
  const out = channels.map(({ name, protocol, priority, weight, cmpp, ...own }, j) => {
    const f = resolve(fields.checked, { protocol, ...written(own) }, protocol === 'cmpp' ? cmppBase : base, ['channels', j], ctx);
    return f && { name, protocol, priority, weight, ...f, ...(cmpp === undefined ? {} : { cmpp }) };
  });
  return out.every((ch): ch is ResolvedChannel => ch !== undefined) ? out : undefined;
}

/** Rules between a carrier's own fields and its resolved channels; the otpWindowSlots it keeps. */
function carrierRules(c: Written, list: ResolvedChannel[], ctx: z.RefinementCtx): number {
  const single = c.channels === undefined;
  for (const ch of list) {
    // All parts of one message go over one bind of one channel at once (docs/ARCHITECTURE.md, "The path of a
    // job"), so they must fit every channel's window.
    const of = single ? '' : ` of channel ${ch.name}`;
    if (c.maxParts > ch.windowSize) ctx.addIssue({ code: 'custom', path: ['maxParts'], message: `must not exceed windowSize (${ch.windowSize})${of}` });
  }
  // `payload` sends a long text as one submit_sm; beside a channel that cuts it into parts the counts differ.
  const payload = list.filter((ch) => ch.protocol === 'smpp' && ch.concat === 'payload');
  if (payload.length > 0 && payload.length < list.length) {
    const at = c.channels?.findIndex((w) => w.concat === 'payload') ?? -1;
    ctx.addIssue({
      code: 'custom', path: at < 0 ? ['concat'] : ['channels', at, 'concat'],
      message: 'payload (one message_payload) works only when every channel of the carrier is SMPP with payload: the text is cut once for all of them',
    });
  }
  const smallest = Math.min(...list.map((ch) => ch.windowSize * ch.binds));
  const slots = c.otpWindowSlots ?? Math.floor(smallest / 10);
  if (slots < 0 || slots > smallest - 1) ctx.addIssue({ code: 'custom', path: ['otpWindowSlots'], message: between(0, smallest - 1, slots) });
  return slots;
}

/** A carrier, resolved: its channels in priority order; `written` names them as the file lists them (null: none listed). */
export function carrier(env: NodeJS.ProcessEnv) {
  const fields = resolvedFields(env);
  return writtenCarrier(env).transform((c, ctx) => {
    const list = channelsOf(c, fields, ctx);
    if (list === undefined) return z.NEVER;
    const otpWindowSlots = carrierRules(c, list, ctx);
    const { name, prefixes: p, maxParts, signatureReserve, optOut, failover: f } = c;
    const config = { name, prefixes: p, otpWindowSlots, maxParts, signatureReserve, optOut, failover: f, channels: byPriority(list) };
    return { config, written: c.channels?.map((w) => w.name) ?? null };
  });
}
