/**
 * Every Redis key smppd uses, in one place. The scripts are passed the keys they touch as KEYS, built
 * here (store/script-calls/); the keys only a script can name (a job's record or hash, by an id it reads; the lanes
 * of a job's carrier) it builds from the prefix with the same names (common.lua), and tests that read
 * what the scripts wrote through these names keep them in step (test/store/job-bodies.test.ts,
 * test/store/stream-trim.test.ts). Keys of one carrier share the hash tag `{carrier}`; a prefix with a
 * hash tag of its own (`{smppd}:`) puts every key in one Redis Cluster slot (docs/ARCHITECTURE.md,
 * "Redis layout").
 */
import type { JobClass } from '../types.js';

export const GROUP = 'smppd';

export class Keys {
  constructor(readonly prefix: string) {}
  get jobs(): string { return `${this.prefix}jobs`; }
  /** Read before `jobs` on every intake round: OTP (and anything else that must not wait behind a bulk load). */
  get jobsPriority(): string { return `${this.prefix}jobs:priority`; }
  /** The job streams, in the order intake serves them. */
  get jobStreams(): string[] { return [this.jobsPriority, this.jobs]; }
  get events(): string { return `${this.prefix}events`; }
  get mo(): string { return `${this.prefix}mo`; }
  get daemons(): string { return `${this.prefix}daemons`; }
  /** Each daemon's storage format (recover.lua): a daemon does not start beside a live one of an older format. */
  get format(): string { return `${this.prefix}format`; }
  get dead(): string { return `${this.prefix}dead`; }
  /** Join generations (recover.lua, lease.lua): how many daemons joined, what each one's share reflects, a recent leave. */
  get daemonsGen(): string { return `${this.prefix}daemons:gen`; }
  get daemonsSeen(): string { return `${this.prefix}daemons:seen`; }
  get daemonsLeft(): string { return `${this.prefix}daemons:left`; }
  /** A job's hash; the common job is a record at jobRecord instead (job-record.ts says which). */
  job(id: string): string { return `${this.prefix}job:${id}`; }
  jobRecord(id: string): string { return `${this.prefix}jr:${id}`; }
  /** The ready-to-write PDU bodies of a scheduled job (common.lua says where a queued or claimed job's are). */
  body(id: string): string { return `${this.prefix}body:${id}`; }
  lane(carrier: string, cls: JobClass): string { return `${this.prefix}{${carrier}}:lane:${cls}`; }
  sched(carrier: string): string { return `${this.prefix}{${carrier}}:sched`; }
  /** Marketing's credit of claim slots (claim.lua). */
  mcredit(carrier: string): string { return `${this.prefix}{${carrier}}:mcredit`; }
  dlr(carrier: string, day: number): string { return `${this.prefix}{${carrier}}:dlr:${day}`; }
  /** Day -> how far dlr-sweep.lua has walked that day's receipt map (an HSCAN cursor). */
  dlrDays(carrier: string): string { return `${this.prefix}{${carrier}}:dlr:days`; }
  early(carrier: string): string { return `${this.prefix}{${carrier}}:early`; }
  earlyAt(carrier: string): string { return `${this.prefix}{${carrier}}:early:at`; }
  get orphans(): string { return `${this.prefix}orphans`; }
  moPending(carrier: string): string { return `${this.prefix}{${carrier}}:mo:pending`; }
  /** The parts of one concatenated MO so far; `member` (moMember) names it in moPending too. */
  moPart(carrier: string, member: string): string { return `${this.prefix}{${carrier}}:mo:part:${member}`; }
  inflight(daemon: string): string { return `${this.prefix}inflight:${daemon}`; }
  lease(daemon: string): string { return `${this.prefix}lease:${daemon}`; }
  /** A daemon's view of its channels' health (channel -> `<status> <since, epoch ms>`), for `smppd status`. */
  health(daemon: string): string { return `${this.prefix}health:${daemon}`; }
  override(): string { return `${this.prefix}route:override`; }
  optout(): string { return `${this.prefix}optout`; }
  blacklist(): string { return `${this.prefix}blacklist`; }
}

/** A concatenated MO, as its parts name it: sender, reference and part count. */
export function moMember(from: string, ref: number, total: number): string { return `${from}|${ref}|${total}`; }
