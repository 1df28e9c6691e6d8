/**
 * A CMPP status report's Stat (7 octets) in the receipt states the receipt leg stores (docs/RECEIPTS.md,
 * "CMPP status reports"). CMPP 2.0 §7.4.5.1 / 3.0 §8.4.5.1 name seven states, and the ISMG writes a code
 * of its own (two letters or a letter and a digit, a colon, four digits: MA:0054, MK:0001, DB:0140) when
 * the message failed before or instead of a state from the SMSC: no answer, an error answer, no report
 * from the SMSC, the SCP, the DSMP, the SP or the next ISMG.
 */

/** What a report's Stat comes to: the receipt state, and the err kept with it (the ISMG's code). */
export interface ReportState { stat: string; err: string }

/** The seven states, by their 7-octet spelling; the receipt leg uses the same words. */
const STATES = new Set(['DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD']);

/** An ISMG's own code: "MA:0054", "IB:0008", "M2:0013", "R1:0006". */
const ISMG_CODE = /^[A-Z][A-Z0-9]:\w{1,4}$/;

/**
 * The receipt state of a Stat; null when it is blank (the report carries no state). ACCEPTD stays
 * intermediate, as in SMPP: the specifications call it a state an ISMG should drop, not an outcome.
 * An ISMG code is a failure, final (UNDELIV, the code as err); any other word reads as UNKNOWN (final),
 * as an unknown word in an SMPP receipt does, the word kept as err.
 */
export function reportState(raw: string): ReportState | null {
  const s = raw.replace(/\0+$/, '').trim().toUpperCase();
  if (s === '') return null;
  if (STATES.has(s)) return { stat: s, err: '' };
  if (ISMG_CODE.test(s)) return { stat: 'UNDELIV', err: s };
  return { stat: 'UNKNOWN', err: s };
}
