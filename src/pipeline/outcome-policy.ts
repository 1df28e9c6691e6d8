/**
 * What the answer to each part of a message means for the job (docs/ARCHITECTURE.md, "State of a job
 * (Redis is the truth)"; docs/RELIABILITY.md, "Throttling: no retry storm"). Throttling never counts as
 * an attempt; a part that was written but never answered makes the outcome unknown; a part never
 * written is safe to send again.
 */
import type { RequestOutcome } from '../session/outcome.js';
import type { ResultClass } from '../session/protocol.js';
import type { ChannelOutcome } from '../carrier/carrier-bind.js';
import type { SettleRecord } from '../store/queue-store.js';
import type { ClaimedJob } from '../store/settle-event.js';
import type { SubmitResult } from '../obs/metrics.js';
import { classifySmppStatus } from '../smpp/results.js';

/** `resultClass`: what the part's protocol made of its status (carrier-bind.ts); SMPP's reading without it. */
export function resultOf(o: RequestOutcome & { resultClass?: ResultClass }): SubmitResult {
  if (o.kind === 'response') return o.resultClass ?? classifySmppStatus(o.status);
  return o.kind === 'no-answer' ? 'no_answer' : 'not_written';
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

/** A refused part's status as its protocol words it (SMPP's command_status when none did). */
const statusText = (o: ChannelOutcome & { kind: 'response' }): string => o.statusText ?? `command_status ${hex(o.status)}`;

/** The message_id of an accepted part's submit_sm_resp (resultOf 'ok': a response). */
const messageIdOf = (o: RequestOutcome): string => String((o as { pdu: { message_id?: unknown } }).pdu.message_id ?? '');

/** Canonical form of a message id a channel's response named (receipts name it the same way). */
export type NormaliseId = (channel: string, id: string) => string;

/**
 * One settle record from the outcomes of all parts of one message (all on one channel); `job`: what its
 * claim said (settle-event.ts). An accepted record names the channel the parts went out on.
 */
export function settleRecordFor(id: string, job: ClaimedJob, outcomes: ChannelOutcome[], normalise: NormaliseId): SettleRecord {
  // The common case, one part accepted, without the arrays and closures of the general reading below.
  if (outcomes.length === 1) {
    const o = outcomes[0]!;
    if (resultOf(o) === 'ok') return { act: 'ok', id, job, channel: o.channel, msgIds: [normalise(o.channel, messageIdOf(o))] };
  }
  const results = outcomes.map(resultOf);
  const channel = outcomes[0]?.channel ?? job.carrier;
  const normaliseId = (s: string): string => normalise(channel, s);
  if (results.every((r) => r === 'ok')) return { act: 'ok', id, job, channel, msgIds: outcomes.map((o) => normaliseId(messageIdOf(o))) };
  if (results.some((r) => r === 'ok')) {
    // Some parts are on their way and cannot be recalled: the job is submitted with the others failed.
    const bad = outcomes.find((o, i) => results[i] !== 'ok')!;
    return {
      act: 'ok', id, job, channel,
      msgIds: outcomes.map((o, i) => (results[i] === 'ok' ? normaliseId(messageIdOf(o)) : '')),
      code: bad.kind === 'response' ? 'SMSC_REJECTED' : bad.code,
      error: bad.kind === 'response' ? `part refused with ${statusText(bad)}` : `part ${bad.kind}`,
    };
  }
  if (results.some((r) => r === 'no_answer')) return { act: 'unknown', id };
  // Prepared for channels this daemon does not run: another daemon on the Redis may (a rolling reload, or
  // daemons with different lines), so it is tried again within its attempts rather than failed at once.
  if (outcomes.every((o) => o.kind === 'not-written' && o.code === 'NO_CHANNEL')) {
    return { act: 'retry', id, code: 'NO_CHANNEL', error: `no channel of carrier ${job.carrier} on this daemon can write it as prepared` };
  }
  if (results.every((r) => r === 'not_written' || r === 'throttled')) return { act: 'requeue', id };
  const transient = outcomes.find((o, i) => results[i] === 'transient');
  if (transient && transient.kind === 'response') {
    return { act: 'retry', id, code: 'SMSC_TRANSIENT', error: statusText(transient) };
  }
  const perm = outcomes.find((o, i) => results[i] === 'permanent') as ChannelOutcome & { kind: 'response' };
  // The operator's list of SMPP statuses decides for SMPP; a protocol with its own bad-destination result says so.
  const byList = perm.badDestination === undefined;
  return { act: 'fail', id, code: 'SMSC_REJECTED', error: statusText(perm), ...(byList ? { status: perm.status } : { badNumber: perm.badDestination }) };
}
