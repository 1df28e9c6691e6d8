/**
 * A channel's fields (docs/CONFIG.md, "Channels"): how smppd connects, binds and writes its PDUs. A
 * carrier may write any of them at its own level as a default for its channels; a channel's own value
 * wins (channels.ts). Each field's default and meaning sit next to it, and docs/CONFIG.md's tables are
 * made from them (doc-table.ts).
 */
import * as z from 'zod';
import { bool, int, mapping, name, oneOf, secret, text, validIn, whenValid } from './fields.js';
import type { Protocol } from '../types.js';

/** Each protocol's well-known port (SMPP: IANA 2775; CMPP: the ISMG port of China Mobile's specification). */
export const DEFAULT_PORT: Record<Protocol, number> = { smpp: 2775, cmpp: 7890 };

/** The connection and session fields of a channel, as written (a carrier's, or a channel's own). */
export function channelFieldShape(env: NodeJS.ProcessEnv) {
  const d = (description: string, def?: string) => ({ description, ...(def === undefined ? {} : { default: def }) });
  return {
    host: text().meta(d('SMSC address')),
    port: int(1, 65535).optional().meta(d('SMSC or ISMG port', '`2775` (SMPP), `7890` (CMPP)')),
    tls: bool().default(false).meta(d('TLS to the SMSC; its certificate is checked against the system\'s CAs and the host name or address')),
    tlsCaFile: text().optional().meta(d('with `tls: true`: a PEM file of the CAs that vouch for the SMSC\'s certificate instead of the system\'s (a carrier\'s private CA); read at start and on reload')),
    tlsCertFile: text().optional().meta(d('with `tls: true` and `tlsKeyFile`: a PEM file of the certificate (and its chain) smppd shows when the SMSC asks for one (mutual TLS); read at start and on reload; `check-config --print` shows its subject and expiry')),
    tlsKeyFile: text().optional().meta(d('the PEM private key of `tlsCertFile`; refused at start when it is not that certificate\'s key; never printed')),
    tlsKeyPassphrase: secret(env).optional().meta(d('the passphrase of an encrypted `tlsKeyFile` (secret)')),
    systemId: text().meta(d('bind system_id; CMPP: the SP\'s enterprise code (6 digits), CONNECT\'s Source_Addr')),
    password: secret(env).default('').meta(d('bind password; CMPP: the shared secret of the authenticators (secret)')),
    systemType: text().default('').meta(d('bind system_type')),
    bindType: oneOf(['transceiver', 'transmitter+receiver']).default('transceiver')
      .meta(d('or `transmitter+receiver` (N transmitters and N receivers); CMPP has no such split, a CMPP channel\'s sessions all submit and take DELIVERs')),
    binds: int(1, 64).default(1).meta(d('sessions kept open')),
    windowSize: int(1, 1000).default(10).meta(d('outstanding requests per session')),
    tps: int(1, 100_000).default(100).meta(d('submits per second for the channel: all its binds, all daemons on one Redis (each live daemon takes 1/N)')),
    bindTps: int(0, 100_000).default(0).meta(d('per session; `0` = `tps / binds`')),
    responseTimeoutMs: int(100, 600_000).default(10_000).meta(d('a request unanswered this long is `no-answer`')),
    enquireLinkMs: int(1000, 3_600_000).default(30_000).meta(d('keep-alive (SMPP enquire_link, CMPP ACTIVE_TEST) after this much idle time; no answer = dead link')),
    bindTimeoutMs: int(100, 600_000).default(10_000).meta(d('connect + bind must finish within this')),
    reconnectMinMs: int(10, 600_000).default(500).meta(d('first reconnect back-off, doubling up to `reconnectMaxMs` with jitter; may not exceed it')),
    reconnectMaxMs: int(10, 3_600_000).default(30_000).meta(d('longest reconnect back-off')),
    throttlePauseMs: int(1, 600_000).default(1000).meta(d('first pause after ESME_RTHROTTLED / ESME_RMSGQFUL; doubles while they continue, up to `reconnectMaxMs`')),
    slowResponseMs: int(1, 600_000).default(2000).meta(d('response latency above this halves the bind\'s window until it recovers')),
    dropAfterTimeouts: int(0, 100_000).default(3)
      .meta(d('this many requests in a row unanswered within `responseTimeoutMs` (or "accepted" without a message_id) close the session, which then rebinds; `0` = never')),
    sourceTon: int(0, 6).default(5).meta(d('source address TON')),
    sourceNpi: int(0, 18).default(0).meta(d('source address NPI')),
    destTon: int(0, 6).default(1).meta(d('destination address TON')),
    destNpi: int(0, 18).default(1).meta(d('destination address NPI')),
    registeredDelivery: int(0, 31).default(1).meta(d('ask for a receipt on the final state')),
    dataCodingGsm: int(0, 255).default(0).meta(d('data_coding for GSM 03.38 texts (never auto-detected)')),
    dataCodingUcs2: int(0, 255).default(8).meta(d('data_coding for UCS2 texts')),
    concat: oneOf(['udh8', 'udh16', 'sar', 'payload']).default('udh8')
      .meta(d('long texts: `udh8`, `udh16`, `sar` (TLVs) or `payload` (one message_payload; only when every channel of the carrier is SMPP with `payload`)')),
    idFormat: oneOf(['as-sent', 'decimal', 'hex']).default('as-sent')
      .meta(d('how receipts write message ids: `as-sent`, `hex`, or `decimal` (the resp\'s hex id written in decimal); see docs/RECEIPTS.md')),
  };
}

/** The same fields as a layer writes them: each optional, no default (the next layer or the default fills it). */
export function asWritten<S extends z.ZodRawShape>(shape: S) {
  const loose = (f: z.ZodType) => (f instanceof z.ZodDefault ? f.unwrap() as z.ZodType : f).optional();
  return Object.fromEntries(Object.entries(shape).map(([k, f]) => [k, loose(f as z.ZodType)])) as
    { [K in keyof S]: z.ZodOptional<z.ZodType<Exclude<z.output<S[K]>, undefined>, unknown>> };
}

/** CMPP's version: YAML reads `3.0` as the number 3, so numbers are taken too. */
const cmppVersion = z.unknown().transform((v, ctx): '2.0' | '3.0' => {
  const s = typeof v === 'number' ? v.toFixed(1) : v;
  if (s === '2.0' || s === '3.0') return s;
  ctx.issues.push({ code: 'custom', input: v, message: `must be "2.0" or "3.0", got ${JSON.stringify(v)}` });
  return '3.0';
}).prefault('3.0');

/** At most `max` characters, of `pattern` when given (one problem at a time: the length, then the pattern). */
function chars(max: number, pattern?: RegExp, what?: string, required?: string) {
  return z.string(required === undefined ? undefined : { error: (iss) => (iss.input === undefined ? required : undefined) }).superRefine((v, ctx) => {
    if (v.length > max) ctx.addIssue({ code: 'custom', message: `must be at most ${max} characters` });
    else if (pattern && !pattern.test(v)) ctx.addIssue({ code: 'custom', message: `must be ${what}, got ${JSON.stringify(v)}` });
  });
}

/** The `cmpp:` mapping of a CMPP channel (docs/CHANNELS.md, "CMPP sessions"). */
export const cmppShape = {
  version: cmppVersion.meta({ description: '`"2.0"` or `"3.0"` (YAML\'s number `3.0` is taken too)', default: '`"3.0"`' }),
  spNumber: chars(21, /^\d+$/, 'digits', 'is required for a CMPP channel (the SP\'s service number, digits)').meta({ description: 'Src_Id: the SP\'s service number, digits; a job\'s `from` digits are appended as its extension' }),
  serviceId: chars(10).default('').meta({ description: 'Service_Id, up to 10 characters' }),
  feeUserType: int(0, 3).default(2).meta({ description: 'Fee_UserType 0..3' }),
  // Its length is the version's (the rule below): one problem, with the bound that applies.
  feeTerminalId: text().default('').meta({ description: 'Fee_terminal_Id, when `feeUserType` is 3 (up to 21 characters in CMPP 2.0, 32 in 3.0)' }),
  feeType: chars(2, /^\d{2}$/, 'two digits').default('02').meta({ description: 'FeeType, two digits' }),
  feeCode: chars(6, /^\d*$/, 'digits').default('000000').meta({ description: 'FeeCode, up to 6 digits' }),
  msgLevel: int(0, 9).default(0).meta({ description: 'Msg_level 0..9' }),
  tpPid: int(0, 255).default(0).meta({ description: 'TP_pId' }),
  // Left out unless written, so that CMPP 2.0 refuses one written empty too.
  linkId: chars(20).optional().meta({ description: 'LinkID, up to 20 characters; CMPP 3.0 only', default: '`""`' }),
};

// Checked whatever else is wrong: each rule reads one field beside the version, which always has a value.
const cmpp = mapping(cmppShape).superRefine((c, ctx) => {
  const ok = validIn(ctx.issues);
  const v2 = c.version === '2.0';
  if (v2 && c.linkId !== undefined && ok('linkId')) ctx.addIssue({ code: 'custom', path: ['linkId'], message: 'exists only in CMPP 3.0' });
  const max = v2 ? 21 : 32;
  if (ok('feeTerminalId') && c.feeTerminalId.length > max) ctx.addIssue({ code: 'custom', path: ['feeTerminalId'], message: `must be at most ${max} characters` });
}, whenValid()).transform((c) => ({ ...c, linkId: c.linkId ?? '' }));

/** Keys only a channel has, beside the channel fields. */
export const channelOwnShape = {
  name: name().meta({ description: '`a-z 0-9 _ -`, unique among all carriers\' channels (a carrier without `channels` has one named as itself); used in metrics, logs and receipt keys' }),
  protocol: oneOf(['smpp', 'cmpp']).default('smpp').meta({ description: '`smpp` or `cmpp`' }),
  priority: int(1, 100).default(1).meta({ description: '1 is first: a channel of priority 2 takes traffic only while no channel of priority 1 can' }),
  weight: int(1, 1000).default(1).meta({ description: '1..1000: the share of traffic among the channels of the same priority' }),
  cmpp: cmpp.optional().meta({ description: 'CMPP fields, below', default: 'required for `protocol: cmpp`, refused otherwise' }),
};

/** One entry of a carrier's `channels:` list as written: its own keys and the channel fields it sets. */
export function writtenChannel(env: NodeJS.ProcessEnv) {
  return mapping({ ...channelOwnShape, ...asWritten(channelFieldShape(env)) }).superRefine((ch, ctx) => {
    if (ch.cmpp !== undefined && ch.protocol !== 'cmpp') ctx.addIssue({ code: 'custom', path: ['cmpp'], message: 'needs protocol: cmpp' });
    if (ch.cmpp === undefined && ch.protocol === 'cmpp') {
      ctx.addIssue({ code: 'custom', path: ['cmpp', 'spNumber'], message: 'is required for a CMPP channel (the SP\'s service number, digits)' });
    }
  }, whenValid('protocol', 'cmpp'));
}
