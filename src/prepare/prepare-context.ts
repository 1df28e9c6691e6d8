/** Everything prepareJob needs, derived once from the Config (per worker thread). */
import type { CarrierConfig, Config } from '../config/types.js';
import { bodySets, untaggedSmpp, type BodySet, type SmppText } from './channel-text.js';
import { buildRouter, type Route } from '../route/router.js';
import { expandPrefixes } from '../route/china-prefixes.js';
import { ConcatRefs } from '../text/concat-ref.js';
import { quietWindow } from '../care/quiet-hours.js';
import type { CareRules } from '../care/plan.js';

/** How a carrier's texts are cut and written: carrier-wide limits, and each channel's fields (channel-text.ts). */
export interface CarrierTextOptions {
  maxParts: number;
  signatureReserve: number;
  optOut: 'append' | 'reject';
  /** Channels grouped by the bodies they write, in priority order. */
  sets: BodySet[];
  /** The only channel is SMPP and named as the carrier: segmented and stored as before channels (untagged). */
  untagged: SmppText | null;
}

export interface PrepareContext {
  route: Route;
  countryCode: string;
  defaultFrom: string;
  signature: string;
  optOutLine: string;
  defaultTz: string;
  dedupByContent: boolean;
  care: CareRules;
  carriers: Map<string, CarrierTextOptions>;
  refs: ConcatRefs;
  maxScheduleMs: number; // how far ahead sendAt may be, and expiresAt after the send time (queue.maxScheduleDays)
}

/**
 * Config prefixes may be national ("134", taken as the home country's) or E.164 digits ("86134",
 * or "+44…"): a prefix that already starts with the country code is kept as it is.
 */
export function toE164Prefix(prefix: string, countryCode: string): string {
  if (prefix.startsWith('+')) return prefix.slice(1);
  return prefix.startsWith(countryCode) ? prefix : countryCode + prefix;
}

function textOptions(c: CarrierConfig): CarrierTextOptions {
  const sets = bodySets(c);
  return { maxParts: c.maxParts, signatureReserve: c.signatureReserve, optOut: c.optOut, sets, untagged: untaggedSmpp(c, sets) };
}

/**
 * The config a prepare context is made of, as one string: two configs with the same key make the same
 * context, so a reload that changes none of it leaves the pool's threads as they are. Keep it in step
 * with buildPrepareContext.
 */
export function prepareKey(cfg: Config): string {
  return JSON.stringify([cfg.routing, cfg.text, cfg.care.quietHours, cfg.care.caps, cfg.care.dedupByContent,
    cfg.carriers.map((c) => [c.name, c.prefixes, textOptions(c)])]);
}

export function buildPrepareContext(cfg: Config, refs: ConcatRefs = new ConcatRefs()): PrepareContext {
  const cc = cfg.routing.countryCode;
  const route = buildRouter(
    cfg.carriers.map((c) => ({ name: c.name, prefixes: expandPrefixes(c.prefixes).map((p) => toE164Prefix(p, cc)) })),
    cfg.routing.default,
  );
  return {
    route,
    countryCode: cc,
    defaultFrom: cfg.text.defaultFrom,
    signature: cfg.text.signature,
    optOutLine: cfg.text.optOutLine,
    defaultTz: cfg.care.quietHours.defaultTz,
    dedupByContent: cfg.care.dedupByContent,
    care: { quiet: quietWindow(cfg.care.quietHours.start, cfg.care.quietHours.end), caps: cfg.care.caps },
    carriers: new Map(cfg.carriers.map((c) => [c.name, textOptions(c)])),
    refs,
    maxScheduleMs: cfg.queue.maxScheduleDays * 86_400_000,
  };
}
