/** `smppd send`: push one job in the documented format (README "Job format") with the typed client. */
import { openClient } from './client.js';
import { defaultJobId, type JobInput } from '../types.js';
import { Exit, type Io } from './io.js';

export interface SendArgs {
  redis: string; prefix: string; to: string; text: string; from?: string; class?: JobInput['class'];
  id?: string; sendAt?: string; expiresAt?: string; dedupKey?: string; tz?: string;
  quietHours?: JobInput['quietHours']; resend?: boolean; meta?: string; wait?: number;
}

export async function send(a: SendArgs, io: Io): Promise<number> {
  const job: JobInput = { to: a.to, text: a.text };
  if (a.id) job.id = a.id;
  if (a.from) job.from = a.from;
  if (a.class) job.class = a.class;
  if (a.sendAt) job.sendAt = a.sendAt;
  if (a.expiresAt) job.expiresAt = a.expiresAt;
  if (a.dedupKey) job.dedupKey = a.dedupKey;
  if (a.tz) job.tz = a.tz;
  if (a.quietHours) job.quietHours = a.quietHours;
  if (a.resend) job.resend = true;
  if (a.meta) {
    try { job.meta = JSON.parse(a.meta) as Record<string, unknown>; } catch { io.err('smppd send: --meta must be JSON'); return Exit.USAGE; }
  }
  const opened = await openClient(a.redis, a.prefix, io, 'send');
  if (typeof opened === 'number') return opened;
  const { client } = opened;
  try {
    const last = await client.lastEventId();
    const entry = await client.push(job);
    const id = job.id ?? defaultJobId({ entryId: entry, stream: job.class === 'otp' ? 'jobs:priority' : 'jobs' });
    io.out(JSON.stringify({ pushed: id, entry }));
    if (a.wait && a.wait > 0) {
      // Follow this job's events until a final state or the wait runs out.
      const until = Date.now() + a.wait;
      let from = last;
      const finals = new Set(['delivered', 'undeliverable', 'expired', 'rejected', 'failed', 'unknown', 'unconfirmed']);
      while (Date.now() < until) {
        const evs = await client.events(from, 100, Math.max(1, Math.min(1000, until - Date.now())));
        for (const e of evs) {
          from = e.streamId;
          if (e.value.id !== id) continue;
          io.out(JSON.stringify(e.value));
          if (finals.has(e.value.state)) return e.value.state === 'delivered' ? Exit.OK : Exit.FAILURE;
        }
      }
      io.err(`smppd send: no final event within ${a.wait} ms`);
      return Exit.FAILURE;
    }
    return Exit.OK;
  } finally {
    await opened.close();
  }
}
