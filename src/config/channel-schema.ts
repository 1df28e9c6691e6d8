/**
 * A carrier's channels as the YAML writes them (docs/CONFIG.md, "Channels"). A channel field written at
 * carrier level is a default for every channel of that carrier; a channel's own value wins. Every value is
 * checked where it is written, so an error names the path to fix (`carriers[0].channels[1].cmpp.spNumber`,
 * or `carriers[0].tps` for an inherited one). Defaults sit next to their fields, as in schema.ts.
 */
import { readFileSync } from 'node:fs';
import { tlsCa, tlsClientCert } from './tls-files.js';
import type { ChannelConfig, ChannelFields, CmppChannelOptions, FailoverConfig } from './types.js';
import type { Protocol } from '../types.js';
import { bool, fail, int, isObj, join, known, num, obj, oneOf, problem, str, type Obj } from './validate.js';

/** `secret: "x" | { env: NAME } | { file: PATH }`: read now, never logged. */
export function secret(o: Obj, key: string, path: string, env: NodeJS.ProcessEnv, def?: string): string | undefined {
  const v = o[key];
  if (v === undefined) return def;
  if (typeof v === 'string') return v;
  const p = join(path, key);
  if (!isObj(v)) fail(p, 'must be a string, { env: NAME } or { file: PATH }');
  known(v, p, ['env', 'file']);
  if (typeof v.env === 'string') {
    const val = env[v.env];
    if (val === undefined) fail(p, `environment variable ${v.env} is not set`);
    return val;
  }
  if (typeof v.file === 'string') {
    try {
      return readFileSync(v.file, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      fail(p, `cannot read ${v.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  fail(p, 'must name env or file');
}

/** The channel fields a carrier may write at its own level, as defaults for its channels. */
export const CHANNEL_FIELD_KEYS = [
  'host', 'port', 'tls', 'tlsCaFile', 'tlsCertFile', 'tlsKeyFile', 'tlsKeyPassphrase', 'systemId', 'password',
  'systemType', 'bindType', 'binds', 'windowSize',
  'tps', 'bindTps', 'responseTimeoutMs', 'enquireLinkMs', 'bindTimeoutMs', 'reconnectMinMs', 'reconnectMaxMs',
  'throttlePauseMs', 'slowResponseMs', 'dropAfterTimeouts', 'sourceTon', 'sourceNpi', 'destTon', 'destNpi',
  'registeredDelivery', 'dataCodingGsm', 'dataCodingUcs2', 'concat', 'idFormat',
] as const;

/** Keys only a channel has. */
const CHANNEL_ONLY_KEYS = ['name', 'protocol', 'priority', 'weight', 'cmpp'] as const;

const TLS_KEYS = ['tls', 'tlsCaFile', 'tlsCertFile', 'tlsKeyFile', 'tlsKeyPassphrase'];

/** Each protocol's well-known port (SMPP: IANA 2775; CMPP: the ISMG port of China Mobile's specification). */
export const DEFAULT_PORT: Record<Protocol, number> = { smpp: 2775, cmpp: 7890 };

/** Where a key's value is written: the channel's own mapping when it has the key, else the carrier's. */
export interface Layers { own: Obj; ownPath: string; base: Obj; basePath: string }

function at(l: Layers, k: string): [Obj, string] {
  return k in l.own ? [l.own, l.ownPath] : [l.base, l.basePath];
}

/** The connection and session fields of one channel, each read from the channel or inherited from its carrier. */
export function channelFields(l: Layers, protocol: Protocol, env: NodeJS.ProcessEnv): ChannelFields {
  const I = (k: string, def: number, min: number, max: number): number => { const [o, p] = at(l, k); return int(o, k, p, def, min, max); };
  const S = (k: string, def?: string): string => { const [o, p] = at(l, k); return str(o, k, p, def); };
  const O = <T extends string>(k: string, def: T, allowed: readonly T[]): T => { const [o, p] = at(l, k); return oneOf(o, k, p, def, allowed); };
  // The TLS keys check one another (a CA or a certificate needs tls: true): read as one group, the
  // channel's keys over the carrier's, named at the channel when it writes any of them.
  const tlsHere = TLS_KEYS.some((k) => k in l.own);
  const tlsObj: Obj = Object.fromEntries(TLS_KEYS.flatMap((k) => (k in l.own ? [[k, l.own[k]]] : k in l.base ? [[k, l.base[k]]] : [])));
  const tlsPath = tlsHere ? l.ownPath : l.basePath;
  const binds = I('binds', 1, 1, 64);
  const bindType = O('bindType', 'transceiver', ['transceiver', 'transmitter+receiver'] as const);
  // CMPP has no transmitter/receiver split: each connection both submits and takes DELIVERs.
  if (protocol === 'cmpp' && bindType !== 'transceiver' && 'bindType' in l.own) problem(join(l.ownPath, 'bindType'), 'CMPP has no transmitter/receiver split: leave it out');
  const systemId = S('systemId');
  if (protocol === 'cmpp' && !/^\d{6}$/.test(systemId)) problem(join(at(l, 'systemId')[1], 'systemId'), 'must be the SP\'s enterprise code (6 digits) for a CMPP channel');
  return {
    host: S('host'),
    port: I('port', DEFAULT_PORT[protocol], 1, 65535),
    tls: bool(tlsObj, 'tls', tlsPath, false),
    ...tlsCa(tlsObj, tlsPath),
    ...tlsClientCert(tlsObj, tlsPath, (o, k, p) => secret(o, k, p, env)),
    systemId,
    password: secret(at(l, 'password')[0], 'password', at(l, 'password')[1], env, '') ?? '',
    systemType: S('systemType', ''),
    bindType: protocol === 'cmpp' ? 'transceiver' : bindType,
    binds,
    windowSize: I('windowSize', 10, 1, 1000),
    tps: I('tps', 100, 1, 100_000),
    bindTps: I('bindTps', 0, 0, 100_000),
    responseTimeoutMs: I('responseTimeoutMs', 10_000, 100, 600_000),
    enquireLinkMs: I('enquireLinkMs', 30_000, 1000, 3_600_000),
    bindTimeoutMs: I('bindTimeoutMs', 10_000, 100, 600_000),
    reconnectMinMs: I('reconnectMinMs', 500, 10, 600_000),
    reconnectMaxMs: I('reconnectMaxMs', 30_000, 10, 3_600_000),
    throttlePauseMs: I('throttlePauseMs', 1000, 1, 600_000),
    slowResponseMs: I('slowResponseMs', 2000, 1, 600_000),
    dropAfterTimeouts: I('dropAfterTimeouts', 3, 0, 100_000),
    sourceTon: I('sourceTon', 5, 0, 6),
    sourceNpi: I('sourceNpi', 0, 0, 18),
    destTon: I('destTon', 1, 0, 6),
    destNpi: I('destNpi', 1, 0, 18),
    registeredDelivery: I('registeredDelivery', 1, 0, 31),
    dataCodingGsm: I('dataCodingGsm', 0, 0, 255),
    dataCodingUcs2: I('dataCodingUcs2', 8, 0, 255),
    concat: O('concat', 'udh8', ['udh8', 'udh16', 'sar', 'payload'] as const),
    idFormat: O('idFormat', 'as-sent', ['as-sent', 'decimal', 'hex'] as const),
  };
}

/** CMPP's version: YAML reads `3.0` as the number 3, so numbers are taken too. */
function cmppVersion(o: Obj, path: string): '2.0' | '3.0' {
  const v = o.version ?? '3.0';
  const s = typeof v === 'number' ? v.toFixed(1) : v;
  if (s !== '2.0' && s !== '3.0') fail(join(path, 'version'), `must be "2.0" or "3.0", got ${JSON.stringify(v)}`);
  return s;
}

function bounded(o: Obj, key: string, path: string, def: string, max: number, pattern?: RegExp, what?: string): string {
  const v = str(o, key, path, def);
  if (v.length > max) problem(join(path, key), `must be at most ${max} characters`);
  else if (pattern && !pattern.test(v)) problem(join(path, key), `must be ${what}, got ${JSON.stringify(v)}`);
  return v;
}

/** The `cmpp:` mapping of a CMPP channel (docs/CHANNELS.md, "CMPP sessions"). */
function cmppOptions(v: unknown, path: string): CmppChannelOptions {
  const o = obj(v, path);
  known(o, path, ['version', 'spNumber', 'serviceId', 'feeUserType', 'feeTerminalId', 'feeType', 'feeCode', 'msgLevel', 'tpPid', 'linkId']);
  const version = cmppVersion(o, path);
  if (o.spNumber === undefined) fail(join(path, 'spNumber'), 'is required for a CMPP channel (the SP\'s service number, digits)');
  if (version === '2.0' && o.linkId !== undefined) problem(join(path, 'linkId'), 'exists only in CMPP 3.0');
  return {
    version,
    spNumber: bounded(o, 'spNumber', path, '', 21, /^\d+$/, 'digits'),
    serviceId: bounded(o, 'serviceId', path, '', 10),
    feeUserType: int(o, 'feeUserType', path, 2, 0, 3),
    feeTerminalId: bounded(o, 'feeTerminalId', path, '', version === '3.0' ? 32 : 21),
    feeType: bounded(o, 'feeType', path, '02', 2, /^\d{2}$/, 'two digits'),
    feeCode: bounded(o, 'feeCode', path, '000000', 6, /^\d*$/, 'digits'),
    msgLevel: int(o, 'msgLevel', path, 0, 0, 9),
    tpPid: int(o, 'tpPid', path, 0, 0, 255),
    linkId: bounded(o, 'linkId', path, '', 20),
  };
}

/** One entry of a carrier's `channels:` list; `base` is the carrier's mapping, whose channel fields are defaults. */
export function channel(v: unknown, path: string, base: Obj, basePath: string, env: NodeJS.ProcessEnv): ChannelConfig {
  if (!isObj(v)) fail(path, 'must be a mapping');
  known(v, path, [...CHANNEL_ONLY_KEYS, ...CHANNEL_FIELD_KEYS]);
  const name = str(v, 'name', path);
  if (!/^[a-z0-9_-]{1,32}$/.test(name)) fail(join(path, 'name'), 'must be 1-32 of a-z 0-9 _ -');
  const protocol = oneOf(v, 'protocol', path, 'smpp', ['smpp', 'cmpp'] as const);
  if (v.cmpp !== undefined && protocol !== 'cmpp') fail(join(path, 'cmpp'), 'needs protocol: cmpp');
  const fields = channelFields({ own: v, ownPath: path, base, basePath }, protocol, env);
  return {
    name, protocol,
    priority: int(v, 'priority', path, 1, 1, 100),
    weight: int(v, 'weight', path, 1, 1, 1000),
    ...fields,
    ...(protocol === 'cmpp' ? { cmpp: cmppOptions(v.cmpp, join(path, 'cmpp')) } : {}),
  };
}

/** When a channel stops taking new messages, and when it takes them again (docs/CHANNELS.md, "Failover"). */
export function failover(v: unknown, path: string): FailoverConfig {
  const o = obj(v, path);
  known(o, path, ['afterMs', 'windowMs', 'maxPermanentShare', 'maxThrottleShare', 'minAnswers']);
  return {
    afterMs: int(o, 'afterMs', path, 30_000, 0, 3_600_000),
    windowMs: int(o, 'windowMs', path, 60_000, 1000, 3_600_000),
    maxPermanentShare: num(o, 'maxPermanentShare', path, 0.5, 0, 1),
    maxThrottleShare: num(o, 'maxThrottleShare', path, 0.8, 0, 1),
    minAnswers: int(o, 'minAnswers', path, 50, 1, 1_000_000),
  };
}
