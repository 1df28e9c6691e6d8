/** The `queue` section: how jobs are claimed, retried and kept (docs/CONFIG.md, "`queue`"). */
import { between, int, mapping, num, oneOf, whenValid } from './fields.js';

const MS_DAY = 86_400_000;
const MS_HOUR = 3_600_000;

export const queueShape = {
  claimBatch: int(1, 10_000).default(100).meta({ description: 'most parts claimed per round trip (bounded by free window slots and rate tokens)' }),
  leaseMs: int(1000, 600_000).default(15_000).meta({
    description: 'lease time; renewed every third of it, at most a second apart. A daemon silent this long loses its in-flight jobs to a peer; '
      + 'one restarted after a crash waits up to this long for its old lease to lapse',
  }),
  eventsMaxLen: int(1000, 1e9).default(1_000_000)
    .meta({ description: '`MAXLEN ~` of the events stream (trimmed once per script call, so it may hold one call\'s events more) and of the orphans stream' }),
  // Passed to the scripts by store/script-calls/settings.ts eventsArg.
  events: oneOf(['all', 'finals']).default('all').meta({
    description: 'which states write an event: `all`, or `finals` (`delivered`, `undeliverable`, `expired`, `rejected`, `failed`, `unknown`, `unconfirmed`; '
      + 'and the `queued` event of `smppd dead retry`, which names `retryOf`). With `finals` an app that needs only outcomes gets one event per job, '
      + 'and Redis writes no `submitted`, `scheduled`, `retrying` or `enroute` event (about 4 µs of Redis\'s CPU each; docs/BENCHMARKS-HISTORY.md, "Eleventh round"). '
      + 'The job\'s states in Redis are the same either way',
  }),
  moMaxLen: int(100, 1e9).default(100_000).meta({ description: '`MAXLEN ~` of the MO stream' }),
  receiptTtlDays: int(1, 30).default(3).meta({ description: 'how long a message id → job mapping waits for its receipt; then the job ends `unconfirmed`' }),
  maxAttempts: int(1, 100).default(5).meta({ description: 'attempts for transient SMSC errors before `failed` / RETRIES_EXHAUSTED (throttling never counts)' }),
  deadMax: int(1, 10_000_000).default(100_000)
    .meta({ description: 'dead letters kept (jobs failed RETRIES_EXHAUSTED, `smppd dead list`); past it the oldest are dropped as a new one is added' }),
  retryBaseMs: int(10, MS_HOUR).default(2000).meta({ description: 'first backoff; doubles per attempt, full jitter in [½, 1)' }),
  retryMaxMs: int(10, MS_DAY).default(300_000).meta({ description: 'backoff cap' }),
  marketingShare: num(0, 1).default(0.1).meta({ description: 'minimum share of each claim kept for marketing while it has work, so it is never starved' }),
  retentionMs: int(1000, 90 * MS_DAY).default(3 * MS_DAY).meta({
    default: '`259200000` (3 days)',
    description: 'how long a finished job\'s record is kept (ids are unique within it), and the most age of an entry of the events, MO and orphans streams '
      + '(by Redis\'s clock, trimmed at least once a minute, whatever `eventsMaxLen` and `moMaxLen` allow)',
  }),
  earlyReceiptMs: int(1000, MS_DAY).default(600_000).meta({ description: 'how long a receipt that arrived before its mapping waits before it becomes an orphan' }),
  moPartialMs: int(1000, MS_DAY).default(600_000).meta({ description: 'how long an incomplete concatenated MO waits before it is delivered with `partial: true`' }),
  maxScheduleDays: int(1, 3650).default(30).meta({
    description: 'how far ahead a job\'s `sendAt` may be, and its `expiresAt` after its send time (1–3650); a job beyond is rejected `BAD_FIELD` naming the field',
  }),
  // A job stream entry is needed only until the job is stored (its hash has what the job said), and
  // it holds the number and the text: an hour for an operator to look, never past retentionMs.
  streamRetentionMs: int(1000, 90 * MS_DAY).optional().meta({
    default: '`3600000` (1 hour), or `retentionMs` when shorter',
    description: 'how long an entry of the job streams (`jobs`, `jobs:priority`: the job as pushed, number and text) is kept, counted from when it was pushed '
      + '(its id, Redis\'s clock), and never before the job is stored; an entry read but not yet stored, and every entry after it, is kept however old. At most `retentionMs`',
  }),
};

export const queue = mapping(queueShape)
  .superRefine((q, ctx) => {
    if (q.streamRetentionMs !== undefined && q.streamRetentionMs > q.retentionMs) {
      ctx.addIssue({ code: 'custom', path: ['streamRetentionMs'], message: between(1000, q.retentionMs, q.streamRetentionMs) });
    }
  }, whenValid('streamRetentionMs', 'retentionMs'))
  .transform((q) => ({ ...q, streamRetentionMs: q.streamRetentionMs ?? Math.min(MS_HOUR, q.retentionMs) }));
