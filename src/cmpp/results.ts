/**
 * What a CMPP_SUBMIT_RESP Result means for the job, on the outcome policy's terms (docs/CHANNELS.md,
 * "CMPP result codes"). Results about the message or its destination are permanent: the same submit gets
 * the same answer. Results about the exchange rather than the message, and the "other error" the
 * specifications leave unnamed, are transient: the job is tried again, within its attempts.
 */
import type { ResultClass } from '../session/protocol.js';
import { SUBMIT_RESULT, submitResultText, type CmppVersion } from './constants.js';

const PERMANENT = new Set<number>([
  SUBMIT_RESULT.badStructure,
  SUBMIT_RESULT.badMessageLength,
  SUBMIT_RESULT.badFeeCode,
  SUBMIT_RESULT.messageTooLong,
  SUBMIT_RESULT.badServiceId,
]);
/** 3.0's named results 9-13: the fee number, Src_Id, Msg_src, Fee_terminal_Id, Dest_terminal_Id. */
const PERMANENT_30 = new Set<number>([9, 10, 11, 12, 13]);

export function classifyCmppResult(version: CmppVersion, result: number): ResultClass {
  if (result === SUBMIT_RESULT.ok) return 'ok';
  // Flow control: the ISMG asks for a slower pace. Like SMPP's throttling it pauses the connection and
  // costs the job no attempt.
  if (result === SUBMIT_RESULT.flowControl) return 'throttled';
  if (PERMANENT.has(result) || (version === '3.0' && PERMANENT_30.has(result))) return 'permanent';
  // 2 (command word), 3 (duplicate sequence) and every unnamed "other error".
  return 'transient';
}

/** CMPP 3.0's Result 13, an invalid Dest_terminal_Id (2.0 names no such result). */
const BAD_DEST_30 = 13;

/** Whether a Result says the destination number is invalid, so the number is marked (docs/CARE.md). */
export function isBadDestination(version: CmppVersion, result: number): boolean {
  return version === '3.0' && result === BAD_DEST_30;
}

/** "CMPP Result 13 (invalid Dest_terminal_Id)": what an event's error says of a refused part. */
export function describeCmppResult(version: CmppVersion, result: number): string {
  return `CMPP Result ${result} (${submitResultText(version, result)})`;
}
