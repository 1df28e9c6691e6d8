/**
 * The Redis floor of one job's life: the plain commands that write the same states as the ingest,
 * claim, settle and receipt scripts (job hash, dedup key, lane, in-flight entry, receipt mapping, the
 * two events), pipelined per batch of 100, with no Lua and none of the scripts' checks (lease, care
 * rules, replays, early receipts, multi-part jobs). Set beside the scripts' own figures in the hot-path
 * section, it shows how much of Redis's time per job is the data the contract keeps and how much is
 * the scripts around it (docs/BENCHMARKS-HISTORY.md, "Ninth round", change 41).
 *
 * `layout: 'field'` is the floor of another storage layout: no job hash, a job's state one short string
 * (`job:<id>`, with its stream entry id while queued), what claim and a receipt need carried in the lane
 * entry, the in-flight value and the receipt mapping. It says what that change of format could save
 * Redis per job before anyone writes it (docs/BENCHMARKS-HISTORY.md, "Fifteenth round").
 */
import type { Redis } from 'ioredis';

export type FloorStep = 'ingest' | 'claim' | 'settle' | 'receipts';
/** Runs one step over all jobs; the hot-path bench times it (wall and Redis CPU). */
export type StepRunner = (name: FloorStep, jobs: number, fn: () => Promise<unknown>) => Promise<void>;

const BATCH = 100;
const NOW = '1764250000000';
/** The two events of a delivered one-part job, as the scripts write them. */
const submittedEvent = (id: string): string => `{"id":"${id}","state":"submitted","at":${NOW},"carrier":"cmcc","parts":1,"msgIds":["m${id}"]}`;
const deliveredEvent = (id: string): string => `{"id":"${id}","state":"delivered","at":${NOW},"carrier":"cmcc","parts":1,`
  + `"partStates":["DELIVRD"],"msgIds":["m${id}"],"latencyMs":12}`;

type Pipe = ReturnType<Redis['pipeline']>;
/** Each batch's commands in one pipeline, every reply checked: a failed command fails its step. */
type EachBatch = (fill: (p: Pipe, batch: string[]) => void) => Promise<void>;

/** `jobs` jobs through the four steps, keys under `prefix`; `tag` keeps the ids of one run apart. */
export async function runFloor(redis: Redis, prefix: string, jobs: number, tag: string, step: StepRunner,
  layout: 'hash' | 'field' = 'hash'): Promise<void> {
  const ids = Array.from({ length: jobs }, (_, i) => `${tag}-${i}`);
  const batches: string[][] = [];
  for (let i = 0; i < jobs; i += BATCH) batches.push(ids.slice(i, i + BATCH));
  const body = Buffer.alloc(60, 0x41).toString('latin1'); // one part's packed body, as the lane entry carries it
  const k = (s: string): string => prefix + s;
  const each: EachBatch = async (fill) => {
    for (const b of batches) {
      const p = redis.pipeline();
      fill(p, b);
      for (const [err] of (await p.exec()) ?? []) if (err) throw err;
    }
  };
  if (layout === 'field') return fieldFloor(k, each, jobs, body, step);

  await step('ingest', jobs, () => each((p, b) => {
    for (const id of b) {
      p.exists(k(`job:${id}`), k('invalid:+8613800138000'));
      p.set(k(`dedup:${id}`), id, 'PX', 600_000);
      p.hset(k(`job:${id}`), 'eid', `${NOW}-0`, 'to', '+8613800138000', 'car', 'cmcc', 'cls', 'transactional',
        'exp', NOW, 'n', '1', 'ts', NOW, 'st', 'queued');
    }
    p.rpush(k('lane'), ...b.map((id) => `${id} ${body}`));
  }));
  await step('claim', jobs, () => each((p, b) => {
    p.get(k('lease'));
    p.lpop(k('lane'), b.length);
    for (const id of b) {
      p.hmget(k(`job:${id}`), 'st', 'n', 'exp', 'qo', 'meta');
      p.hset(k(`job:${id}`), 'st', 'claimed'); // a lane entry left behind can then never send the job twice
    }
    p.hset(k('inflight'), ...b.flatMap((id) => [id, `S1 ${body}`]));
  }));
  await step('settle', jobs, () => each((p, b) => {
    for (const id of b) {
      p.hdel(k('inflight'), id);
      p.hset(k(`job:${id}`), 'st', 'submitted', 'ids', `["m${id}"]`, 'sub', NOW);
      p.xadd(k('events'), '*', 'event', submittedEvent(id));
    }
    p.hset(k('dlr'), ...b.flatMap((id) => [`m${id}`, `${id}:1`]));
    p.expire(k('dlr'), 2 * 86_400);
  }));
  await step('receipts', jobs, () => each((p, b) => {
    for (const id of b) {
      p.hget(k('dlr'), `m${id}`);
      p.hmget(k(`job:${id}`), 'st', 'n', 'p1', 'ids', 'sub', 'car', 'meta');
      p.hset(k(`job:${id}`), 'st', 'delivered', 'end', NOW, 'p1', 'DELIVRD');
      p.pexpire(k(`job:${id}`), 86_400_000);
      p.xadd(k('events'), '*', 'event', deliveredEvent(id));
    }
  }));
}

/** The same life with one state string per job and no job hash (the header says why). */
async function fieldFloor(k: (s: string) => string, each: EachBatch, jobs: number, body: string, step: StepRunner): Promise<void> {
  const to = '+8613800138000';
  // What claim and a receipt read from the hash today rides along: parts, expiry, the recipient, class.
  const entry = `1 ${NOW} ${to} transactional ${body}`;
  await step('ingest', jobs, () => each((p, b) => {
    for (const id of b) {
      p.exists(k(`job:${id}`), k(`invalid:${to}`));
      p.set(k(`dedup:${id}`), id, 'PX', 600_000);
      p.set(k(`job:${id}`), `q ${NOW}-0`);
    }
    p.rpush(k('lane'), ...b.map((id) => `${id} ${entry}`));
  }));
  await step('claim', jobs, () => each((p, b) => {
    p.get(k('lease'));
    p.lpop(k('lane'), b.length);
    p.mget(...b.map((id) => k(`job:${id}`))); // a stale lane entry is told by its job's state
    // As the hash floor's claim does: a state per job (today's claim.lua writes none: conservative).
    for (const id of b) p.set(k(`job:${id}`), 'c');
    p.hset(k('inflight'), ...b.flatMap((id) => [id, `S1 ${entry}`]));
  }));
  await step('settle', jobs, () => each((p, b) => {
    p.hdel(k('inflight'), ...b);
    for (const id of b) {
      p.set(k(`job:${id}`), 's', 'PX', 3 * 86_400_000);
      p.xadd(k('events'), '*', 'event', submittedEvent(id));
    }
    // The receipt finds here what it reads from the hash today: carrier, class, submit time, recipient.
    p.hset(k('dlr'), ...b.flatMap((id) => [`m${id}`, `${id}:1 cmcc transactional ${NOW} ${to}`]));
    p.expire(k('dlr'), 2 * 86_400);
  }));
  await step('receipts', jobs, () => each((p, b) => {
    for (const id of b) {
      p.hget(k('dlr'), `m${id}`);
      p.set(k(`job:${id}`), 'd', 'PX', 86_400_000);
      p.xadd(k('events'), '*', 'event', deliveredEvent(id));
    }
  }));
}
