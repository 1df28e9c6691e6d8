/** Shapes shared across layers. Pure types: importing this file costs nothing at run time. */
import type { ErrorCode } from './errors.js';

export type JobClass = 'otp' | 'transactional' | 'marketing';
export const JOB_CLASSES: readonly JobClass[] = ['otp', 'transactional', 'marketing'];

/** A job as an app writes it: `XADD <prefix>jobs * job <json>` (README "Job format"). */
export interface JobInput {
  id?: string;
  to: string;
  text: string;
  from?: string;
  class?: JobClass;
  sendAt?: string | number; // ISO 8601 or epoch ms
  expiresAt?: string | number; // ISO 8601 or epoch ms
  dedupKey?: string;
  tz?: string; // IANA zone, e.g. "Asia/Shanghai"
  quietHours?: 'respect' | 'ignore';
  resend?: boolean; // resend when the outcome of a written PDU is unknown after a crash
  meta?: Record<string, unknown>;
}

/** What the worker pool is given per job: the raw stream entry. */
export interface RawJob {
  entryId: string; // stream entry id, used as the job id when the job has none
  payload: string; // the `job` field
  stream?: string; // the stream key it was read from (default: <prefix>jobs)
}

/**
 * The id of a job that has none: its stream entry id, prefixed `p:` when it came from the priority
 * stream (two streams can hand out the same entry id; without the prefix the second job would be
 * rejected DUPLICATE_ID).
 */
export function defaultJobId(raw: { entryId: string; stream?: string }): string {
  return raw.stream?.endsWith('jobs:priority') ? `p:${raw.entryId}` : raw.entryId;
}

/** What the worker pool hands back per job. Buffers are ready-to-write PDU bodies (no header). */
export type Prepared = PreparedOk | PreparedRejected;

/** The interface version a set of bodies is written for: 0x34 SMPP 3.4, 0x20 CMPP 2.0, 0x30 CMPP 3.0. */
export type BodyForm = 0x34 | 0x20 | 0x30;

/** Channels of the job's carrier that write one run of its part bodies (src/prepare/channel-text.ts). */
export interface PreparedChannels {
  names: string[];
  form: BodyForm;
}

export interface PreparedOk {
  ok: true;
  id: string;
  to: string; // E.164 with leading '+'
  from: string;
  carrier: string;
  class: JobClass;
  /**
   * PDU bodies without their header. Without `channels`: SMPP submit_sm bodies, one per part, for the
   * carrier's only channel (named as the carrier). With it: one run of part bodies per entry of
   * `channels`, in its order, each run as long as the part count (store/bodies.ts preparedParts).
   */
  parts: Uint8Array[];
  channels?: PreparedChannels[];
  fingerprint: string; // dedup fingerprint ('' when the job asks for none)
  sendAt: number; // epoch ms, 0 = now
  expiresAt: number; // epoch ms, 0 = never
  tz: string;
  quietHours: 'respect' | 'ignore';
  resend: boolean;
  meta?: string; // the job's meta as the app wrote it: JSON text, echoed byte for byte (prepare/job-meta.ts)
  // Care rules (src/care/plan.ts), read by ingest.lua and kept on the job for claim.lua and settle.lua.
  utcOffsetMin?: number; // the recipient zone's offset at the send time, when quiet hours apply
  offsetChanges?: string; // the zone's offset changes within a year after it: `minute,offset,...` (care/zone-time.ts)
  deferred?: 'quiet-hours'; // sendAt was moved out of quiet hours
  cap?: { key: string; limit: number; expireAtMs: number }; // frequency-cap counter
}

export interface PreparedRejected {
  ok: false;
  id: string;
  code: ErrorCode;
  error: string;
  to?: string;
  meta?: string;
}

export type FinalState = 'delivered' | 'undeliverable' | 'expired' | 'rejected' | 'failed' | 'unknown' | 'unconfirmed';
export type EventState = 'queued' | 'scheduled' | 'submitted' | 'retrying' | 'enroute' | FinalState;

/** One entry of `<prefix>events`: field `event`, JSON of this shape. */
export interface JobEvent {
  id: string;
  state: EventState;
  at: number; // epoch ms
  carrier?: string;
  channel?: string; // submitted: the channel its parts went out on
  parts?: number;
  msgIds?: string[];
  code?: string;
  error?: string;
  meta?: Record<string, unknown>;
  duplicateOf?: string; // a DUPLICATE_ID rejection: the id in use (`id` is then the refused entry's default id)
}

/**
 * An MO message as written to the MO stream (field `mo`); `channel`: the carrier's channel it came on
 * (absent when the sweep delivers a message whose parts never all came, `partial`).
 */
export interface MoEvent {
  from: string; to: string; text: string; carrier: string; channel?: string; at: number; optedOut: boolean;
  partial?: boolean;
}

/** Where a part stands in a concatenated message (UDH 8/16-bit reference, or SMPP's SAR TLVs). */
export interface Concat { ref: number; total: number; seq: number }

/** A mobile-originated message (or one part of one), its text decoded, as any protocol reads it. */
export interface Mo {
  /** The handset, as the peer wrote it (the pipeline normalises it). */
  from: string;
  /** The number it was sent to (SMPP destination_addr, CMPP Dest_Id). */
  to: string;
  text: string;
  concat?: Concat;
}

/** The protocols a channel speaks (docs/CHANNELS.md). */
export type Protocol = 'smpp' | 'cmpp';

/** A channel as a message's bodies are looked up for it. */
export interface ChannelRef {
  readonly name: string;
  readonly protocol: Protocol;
}

/**
 * What a carrier needs of one message: how many parts it has, and its part bodies as a given channel
 * writes them. A job is prepared before anyone knows which of its carrier's channels will carry it, so it
 * may hold one set of bodies per channel (src/store/bodies.ts); a channel it was not prepared for gets null.
 */
export interface MessageBodies {
  /** Parts of the message: the same on every channel (segmented once for all of them). */
  readonly parts: number;
  /** The part bodies (without the PDU header) as `channel` writes them; null when not prepared for it. */
  forChannel(channel: ChannelRef): readonly Uint8Array[] | null;
}
