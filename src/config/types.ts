/**
 * The validated, resolved configuration (secrets already read from env/file), as the schema makes it:
 * every type here is inferred from the schema (schema.ts and the *-schema.ts files beside it), where
 * each field's default and meaning are written. The names are those the rest of smppd imports.
 */
import type * as z from 'zod';
import type { ResolvedChannel } from './carrier-schema.js';
import type { configSchema } from './schema.js';

export type Config = z.output<ReturnType<typeof configSchema>>;
export type RedisConfig = Config['redis'];
export type CarrierConfig = Config['carriers'][number];
/** When a channel stops taking new messages and when it takes them again (docs/CHANNELS.md, "Failover"). */
export type FailoverConfig = CarrierConfig['failover'];

/** One way to reach a carrier: a protocol, a peer, its logins and how its PDUs are written. */
export type ChannelConfig = ResolvedChannel;
/** The channel fields a carrier-level config may hold (its channels' defaults, or its only channel). */
export type ChannelFields = Omit<ChannelConfig, 'name' | 'protocol' | 'priority' | 'weight' | 'cmpp'>;
/** CMPP 2.0 / 3.0 fields of a channel (docs/CHANNELS.md); its Source_Addr is `systemId`, its shared secret `password`. */
export type CmppChannelOptions = NonNullable<ChannelConfig['cmpp']>;

export type BindType = ChannelConfig['bindType'];
/** How long texts are split: 8-bit-ref UDH (default), 16-bit-ref UDH, SAR TLVs, or one message_payload. */
export type ConcatMode = ChannelConfig['concat'];
/** How the SMSC writes message ids in receipts relative to submit_sm_resp. */
export type IdFormat = ChannelConfig['idFormat'];
