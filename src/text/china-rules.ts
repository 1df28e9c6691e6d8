/**
 * Content rules for mobile numbers in China (MIIT rules on commercial SMS): every message carries a
 * signature 【…】 at its start or end, and marketing carries an opt-out instruction.
 */
import type { JobClass } from '../types.js';

export interface ChinaTextOptions {
  signature: string; // e.g. "【Acme】"; "" = none configured
  optOutLine: string; // e.g. "回复TD退订"
  optOut: 'append' | 'reject';
}

// A signature is 2..24 characters between the lenticular brackets (carriers cap it around 20).
const SIGNATURE_START = /^【[^【】]{1,24}】/;
const SIGNATURE_END = /【[^【】]{1,24}】$/;
// After these the opt-out line follows directly; otherwise a space separates it from the text.
const ENDS_WITH_PUNCTUATION = /[。！？，、；：….!?,;:)）」』"”’\s]$/;

export function hasSignature(text: string): boolean {
  return SIGNATURE_START.test(text) || SIGNATURE_END.test(text);
}

/** Whether `text` already tells the recipient how to opt out. */
export function hasOptOut(text: string, optOutLine: string): boolean {
  return (optOutLine !== '' && text.includes(optOutLine)) || text.includes('退订');
}

/**
 * Applies the signature and opt-out rules. Returns the text to send, or 'MISSING_OPTOUT' when a
 * marketing text lacks the opt-out line and the carrier wants it rejected rather than appended.
 */
export function applyChinaRules(text: string, cls: JobClass, opts: ChinaTextOptions): string | 'MISSING_OPTOUT' {
  let out = text;
  if (cls === 'marketing' && opts.optOutLine !== '' && !hasOptOut(out, opts.optOutLine)) {
    if (opts.optOut === 'reject') return 'MISSING_OPTOUT';
    // A trailing signature stays last: the opt-out line goes in front of it.
    const tail = SIGNATURE_END.exec(out);
    const body = tail ? out.slice(0, tail.index) : out;
    const sep = body === '' || ENDS_WITH_PUNCTUATION.test(body) ? '' : ' ';
    out = body + sep + opts.optOutLine + (tail ? tail[0] : '');
  }
  if (opts.signature !== '' && !hasSignature(out)) out = opts.signature + out;
  return out;
}
