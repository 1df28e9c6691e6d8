/**
 * OTPs come for some carrier: the bulk stream's intake then reads quarter batches, so an OTP is not
 * stored behind a whole bulk batch (intake.ts otpActive). Each dispatcher keeps the rule for its own
 * carrier (Dispatcher.otpActive); this is the daemon-wide answer.
 */
import type { Dispatcher } from './dispatcher.js';

/** `carriers`: each carrier's dispatcher (the daemon's carrier slots). */
export function otpComing(carriers: Iterable<{ dispatcher: Pick<Dispatcher, 'otpActive'> }>): boolean {
  for (const c of carriers) if (c.dispatcher.otpActive) return true;
  return false;
}
