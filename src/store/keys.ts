/**
 * Every Redis key smppd uses, in one place. Keys of one carrier share the hash tag `{carrier}` so a
 * lane, its schedule and its receipt map can later live on one Redis Cluster slot.
 * The Lua scripts build the same names from the prefix; tests that read what the scripts wrote through
 * these names keep them in step (test/store/job-bodies.test.ts, test/store/stream-trim.test.ts).
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
  job(id: string): string { return `${this.prefix}job:${id}`; }
  /** The ready-to-write PDU bodies of a scheduled job (common.lua says where a queued or claimed job's are). */
  body(id: string): string { return `${this.prefix}body:${id}`; }
  lane(carrier: string, cls: JobClass): string { return `${this.prefix}{${carrier}}:lane:${cls}`; }
  sched(carrier: string): string { return `${this.prefix}{${carrier}}:sched`; }
  dlr(carrier: string, day: number): string { return `${this.prefix}{${carrier}}:dlr:${day}`; }
  /** Day -> how far dlr-sweep.lua has walked that day's receipt map (an HSCAN cursor). */
  dlrDays(carrier: string): string { return `${this.prefix}{${carrier}}:dlr:days`; }
  early(carrier: string): string { return `${this.prefix}{${carrier}}:early`; }
  earlyAt(carrier: string): string { return `${this.prefix}{${carrier}}:early:at`; }
  get orphans(): string { return `${this.prefix}orphans`; }
  moPending(carrier: string): string { return `${this.prefix}{${carrier}}:mo:pending`; }
  inflight(daemon: string): string { return `${this.prefix}inflight:${daemon}`; }
  lease(daemon: string): string { return `${this.prefix}lease:${daemon}`; }
  /** A daemon's view of its channels' health (channel -> `<status> <since, epoch ms>`), for `smppd status`. */
  health(daemon: string): string { return `${this.prefix}health:${daemon}`; }
  override(): string { return `${this.prefix}route:override`; }
  optout(): string { return `${this.prefix}optout`; }
  blacklist(): string { return `${this.prefix}blacklist`; }
}
