/**
 * What a response proves about the request it names (docs/RELIABILITY.md, "Answers that prove
 * nothing"). Pure: the session acts on the verdict.
 */
import { CommandId, RESPONSE_BIT, Status, hex32 } from './pdu-header.js';
import type { Verdict } from '../session/protocol.js';

interface Response { command: string; command_id: number; command_status: number; message_id?: unknown }

export function judgeAnswer(pdu: Response, requestCommandId: number): Verdict {
  const commandId = pdu.command_id >>> 0;
  // generic_nack: the SMSC could not process the request, so it never took it; one with status 0
  // contradicts itself and is read as ESME_RSYSERR (transient: the job is tried again).
  if (commandId === CommandId.generic_nack) {
    return { kind: 'answer', status: pdu.command_status === Status.ESME_ROK ? Status.ESME_RSYSERR : pdu.command_status };
  }
  if (commandId !== (requestCommandId | RESPONSE_BIT) >>> 0) {
    return { kind: 'mismatch', why: `${pdu.command} answers a request ${hex32(requestCommandId)}` };
  }
  if (commandId === CommandId.submit_sm_resp && pdu.command_status === Status.ESME_ROK && !pdu.message_id) {
    return { kind: 'unproven', why: 'submit_sm_resp with status 0 and no message_id' };
  }
  return { kind: 'answer', status: pdu.command_status };
}
