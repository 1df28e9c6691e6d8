/**
 * What a submit_sm_resp command_status means for the job, on the outcome policy's terms (docs/RELIABILITY.md,
 * "Throttling: no retry storm"). The statuses worth another attempt are SMPP 3.4 §5.1.3's system error,
 * submit failed, temporary application error and delivery failure; the throttling ones pause the bind.
 */
import type { ResultClass } from '../session/protocol.js';
import { Status } from './pdu-header.js';

const TRANSIENT = new Set<number>([Status.ESME_RSYSERR, Status.ESME_RSUBMITFAIL, Status.ESME_RX_T_APPN, Status.ESME_RDELIVERYFAILURE]);

export function classifySmppStatus(status: number): ResultClass {
  if (status === Status.ESME_ROK) return 'ok';
  if (status === Status.ESME_RTHROTTLED || status === Status.ESME_RMSGQFUL) return 'throttled';
  return TRANSIENT.has(status) ? 'transient' : 'permanent';
}
