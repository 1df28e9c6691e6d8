/**
 * A carrier (docs/CONFIG.md, "`carriers`"): a routing target, its own fields, and its channels. Written
 * without `channels`, the carrier's channel fields describe its only channel: SMPP, named as the carrier.
 * With `channels:`, they are defaults for each channel (channels.ts).
 */
import * as z from 'zod';
import { asWritten, channelFieldShape, writtenChannel } from './channel-schema.js';
import { byPriority, layer, resolve, resolvedFields, type ChannelFieldsOut, type Key, type Layer, type Report } from './channels.js';
import { between, int, integer, mapping, name, num, oneOf, strings, type Valid } from './fields.js';
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
const CHANNEL_FIELD_KEYS = Object.keys(channelFieldShape({}));
/** The channel fields each carrier rule reads, as schemas of their own (built once per schema, not per carrier). */
function rulePicks(fields: ReturnType<typeof resolvedFields>) {
  const { object } = fields;
  return {
    window: object.pick({ windowSize: true }),
    cut: object.pick({ protocol: true, concat: true }),
    slots: object.pick({ windowSize: true, binds: true }),
  };
}
type Picks = ReturnType<typeof rulePicks>;

/** A carrier as written: its own keys and the channel fields it sets for its channels. */
export function writtenCarrier(env: NodeJS.ProcessEnv) {
  return mapping({ ...carrierOwnShape(env), ...asWritten(channelFieldShape(env)) });
}

/** One channel of a carrier as written: its name, its layers (its own over the carrier's) and where its own keys are. */
interface Layers { name: unknown; own: Layer; base: Layer; at: Key[]; written?: WrittenChannel }

function layersOf(c: Written, base: Layer, ok: Valid): Layers[] {
  if (c.channels === undefined) return [{ name: c.name, own: { protocol: 'smpp', ...base }, base: {}, at: [] }];
  // CMPP has no transmitter/receiver split: a carrier's bindType is not its CMPP channels'.
  const { bindType: _, ...cmppBase } = base;
  return (Array.isArray(c.channels) ? c.channels : []).flatMap((ch, j) => {
    if (typeof ch !== 'object' || ch === null) return [];
    const own = layer(ch, ['protocol', ...CHANNEL_FIELD_KEYS], (k) => ok('channels', j, k));
    return [{ name: ch.name, own, base: ch.protocol === 'cmpp' ? cmppBase : base, at: ['channels', j], written: ch }];
  });
}

/**
 * Rules between a carrier's own fields and its channels' (each once the fields it reads are valid); the
 * otpWindowSlots it keeps.
 */
function carrierRules(c: Written, chans: Layers[], ok: Valid, picks: Picks, report: Report): number | undefined {
  // Each rule reads its channels' fields alone, so that a wrong field it does not read leaves it checked.
  const peek = <T>(schema: z.ZodType<T>, l: Layers): T | undefined => {
    const r = schema.safeParse({ ...l.base, ...l.own });
    return r.success ? r.data : undefined;
  };
  const single = c.channels === undefined;
  // All parts of one message go over one bind of one channel at once (docs/ARCHITECTURE.md, "The path of a
  // job"), so they must fit every channel's window.
  for (const l of ok('maxParts') ? chans : []) {
    const w = peek(picks.window, l);
    const of = single ? '' : ` of channel ${String(l.name)}`;
    if (w && c.maxParts > w.windowSize) report(['maxParts'], `must not exceed windowSize (${w.windowSize})${of}`);
  }
  // `payload` sends a long text as one submit_sm; beside a channel that cuts it into parts the counts differ.
  const cuts = chans.map((l) => peek(picks.cut, l));
  const payload = cuts.filter((ch) => ch?.protocol === 'smpp' && ch.concat === 'payload');
  if (cuts.every((ch) => ch !== undefined) && payload.length > 0 && payload.length < cuts.length) {
    const at = c.channels?.findIndex((w) => w.concat === 'payload') ?? -1;
    report(at < 0 ? ['concat'] : ['channels', at, 'concat'],
      'payload (one message_payload) works only when every channel of the carrier is SMPP with payload: the text is cut once for all of them');
  }
  const windows = chans.map((l) => peek(picks.slots, l));
  if (!ok('otpWindowSlots') || windows.length === 0 || !windows.every((w) => w !== undefined)) return undefined;
  const smallest = Math.min(...windows.map((w) => w.windowSize * w.binds));
  const slots = c.otpWindowSlots ?? Math.floor(smallest / 10);
  if (slots < 0 || slots > smallest - 1) report(['otpWindowSlots'], between(0, smallest - 1, slots));
  return slots;
}

/**
 * A carrier's rules and, when nothing is wrong, the carrier resolved (its channels in priority order).
 * `ok` and `report` take paths from the carrier; it checks what it can whatever else is wrong.
 */
export function carrierResolver(env: NodeJS.ProcessEnv) {
  const fields = resolvedFields(env);
  const picks = rulePicks(fields);
  return (c: Written, ok: Valid, report: Report) => {
    if (typeof c !== 'object' || c === null) return undefined;
    const base = layer(c, CHANNEL_FIELD_KEYS, (k) => ok(k));
    const chans = layersOf(c, base, ok);
    // A default every channel overrides is still checked: a wrong value in the file is named, never ignored.
    if (c.channels !== undefined) resolve(fields.unchecked, { protocol: 'smpp', ...base }, { host: '-', systemId: '-' }, [], report);
    const list = chans.map((l) => {
      const f = resolve(fields.checked, l.own, l.base, l.at, report);
      const w = l.written;
      const own = w === undefined ? { name: c.name, protocol: 'smpp' as const, priority: 1, weight: 1 }
        : { name: w.name, protocol: w.protocol, priority: w.priority, weight: w.weight, ...(w.cmpp === undefined ? {} : { cmpp: w.cmpp }) };
      return f && { ...own, ...f };
    });
    const otpWindowSlots = carrierRules(c, chans, ok, picks, report);
    if (otpWindowSlots === undefined || !list.every((ch): ch is ResolvedChannel => ch !== undefined)) return undefined;
    const { name, prefixes: p, maxParts, signatureReserve, optOut, failover: f } = c;
    return { name, prefixes: p, otpWindowSlots, maxParts, signatureReserve, optOut, failover: f, channels: byPriority(list) };
  };
}
