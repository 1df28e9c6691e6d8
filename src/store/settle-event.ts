/**
 * The `submitted` event of one job, made by the daemon instead of settle.lua. The claim hands the
 * daemon what the event needs (carrier, parts, meta), and the daemon hands it back with the answer,
 * so the script neither reads the job again nor builds the text: settle cost Redis 11.1–12.5 µs
 * per job with that work and 9.2–9.4 without it (bench/hot-path.bench.ts, 4 rounds; docs/BENCHMARKS-HISTORY.md,
 * "Seventh round", change 31). Redis runs every script on its one thread, which caps throughput.
 * The fields and their order are those of the events settle.lua and the other scripts write (common.lua
 * event_head); test/store/settle-event.test.ts pins the text.
 */

/** What the claim said about a job, handed back with its settle record. */
export interface ClaimedJob {
  carrier: string;
  parts: number;
  meta: string; // the stored JSON text, '' when the job has none
  /**
   * A job kept as a record (job-record.ts): its fixed fields as the claim read them, handed back so that
   * settle writes the record whole without reading it first. Absent for a job kept as a hash.
   */
  record?: string;
}

export interface SubmittedText {
  idsJson: string; // the accepted message ids, as the job keeps them
  event: string; // '' when no event is written (queue.events 'finals')
}

/**
 * `msgIds`: one per part as the receipt map keys it, '' for a part that failed; `code`/`error` say why, when one did; `channel`: the
 * channel the parts went out on (left out when none is named). `withEvent` false: only the ids
 * (queue.events 'finals' writes no `submitted` event).
 */
export function submittedEvent(id: string, now: number, job: ClaimedJob, msgIds: string[], code = '', error = '', channel = '',
  withEvent = true): SubmittedText {
  // A channel not named as its carrier keys its receipts by `<channel>:<id>` (receiptKey); events show the
  // id as the peer wrote it, since `channel` already says where it went.
  const tag = channel !== '' && channel !== job.carrier ? `${channel}:` : '';
  const idsJson = idsText(msgIds, tag);
  if (!withEvent) return { idsJson, event: '' };
  let event = `{"id":${JSON.stringify(id)},"state":"submitted","at":${Math.trunc(now)},"carrier":${JSON.stringify(job.carrier)}`;
  if (channel !== '') event += `,"channel":${JSON.stringify(channel)}`;
  event += `,"parts":${job.parts}`;
  if (job.meta !== '') event += `,"meta":${job.meta}`;
  event += `,"msgIds":${idsJson}`;
  if (code !== '') event += `,"code":${JSON.stringify(code)},"error":${JSON.stringify(error)}`;
  return { idsJson, event: `${event}}` };
}

/** JSON of the ids that were accepted ('' is a part that was not), each without `tag`. */
function idsText(msgIds: string[], tag: string): string {
  // One accepted id with no tag, the common case: its JSON without the filtered and mapped copies.
  if (msgIds.length === 1 && tag === '') return msgIds[0] === '' ? '[]' : `[${JSON.stringify(msgIds[0])}]`;
  return JSON.stringify(msgIds.filter((m) => m !== '').map((m) => (tag !== '' && m.startsWith(tag) ? m.slice(tag.length) : m)));
}
