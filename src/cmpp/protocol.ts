/**
 * CMPP 2.0 / 3.0 on the session core: login = CMPP_CONNECT (AuthenticatorSource, China-time Timestamp;
 * the ISMG's AuthenticatorISMG must verify), keep-alive = CMPP_ACTIVE_TEST, logout = CMPP_TERMINATE,
 * pairing = a response's Command_Id is its request's with the response bit, requests the ISMG sends =
 * inbound.ts. Responses carry `message_id` as the canonical decimal Msg_Id and `status` as the Result.
 */
import type { ProtocolPeer, ProtocolResponse, ResultClass, SessionProtocol, Verdict } from '../session/protocol.js';
import { authenticatorSource, connectTimestamp, ismgAuthenticates } from './auth.js';
import { decodeCmpp } from './codec.js';
import { encodeConnect, type CmppConnectResp } from './connect.js';
import {
  CmppCommand, CMPP_HEADER_BYTES, CMPP_MAX_PDU_BYTES, CMPP_RESPONSE_BIT, CONNECT_STATUS, SUBMIT_RESULT, VERSION_OCTET,
  commandName, type CmppVersion,
} from './constants.js';
import { serveCmppRequest } from './inbound.js';
import { classifyCmppResult, describeCmppResult, isBadDestination } from './results.js';

const EMPTY = new Uint8Array(0);
/** A Msg_Id of eight zero octets: no id at all, so no receipt can ever name the message. */
const NO_MSG_ID = '0';

export interface CmppLogin {
  version: CmppVersion;
  /** Source_Addr: the SP's enterprise code (6 characters). */
  spId: string;
  sharedSecret: string;
  maxPduBytes?: number;
  /** The clock the CONNECT Timestamp is read from; default Date.now. */
  now?: () => number;
}

/** The names of known commands, made once: read() names every frame it reads. */
const COMMAND_TEXT = new Map<number, string>(Object.values(CmppCommand).map((id) => [id, `CMPP_${commandName(id)!.toUpperCase()}`]));

/** "CMPP_SUBMIT_RESP" for logs and reasons. */
export function cmppCommandText(commandId: number): string {
  return COMMAND_TEXT.get(commandId >>> 0) ?? `Command_Id 0x${(commandId >>> 0).toString(16).padStart(8, '0')}`;
}

/** The whole PDU of a request: the 12-octet header around a pre-encoded body. */
export function cmppFrame(commandId: number, seq: number, body: Uint8Array): Buffer {
  const buf = Buffer.allocUnsafe(CMPP_HEADER_BYTES + body.length);
  buf.writeUInt32BE(buf.length, 0);
  buf.writeUInt32BE(commandId >>> 0, 4);
  buf.writeUInt32BE(seq >>> 0, 8);
  buf.set(body, CMPP_HEADER_BYTES);
  return buf;
}

export class CmppProtocol implements SessionProtocol {
  readonly headerBytes = CMPP_HEADER_BYTES;
  readonly maxPduBytes: number;
  readonly words = { login: 'CMPP_CONNECT', keepAlive: 'CMPP_ACTIVE_TEST', logout: 'CMPP_TERMINATE', peer: 'ISMG' };
  readonly keepAlive = { commandId: CmppCommand.active_test, body: EMPTY };
  readonly logout = { commandId: CmppCommand.terminate, body: EMPTY };
  /** Of the CONNECT sent: the ISMG's authenticator is computed over it. */
  private authSource: Buffer = Buffer.alloc(16);

  constructor(private readonly o: CmppLogin) {
    this.maxPduBytes = o.maxPduBytes ?? CMPP_MAX_PDU_BYTES;
  }

  frame(commandId: number, seq: number, body: Uint8Array): Buffer {
    return cmppFrame(commandId, seq, body);
  }

  login(seq: number): Buffer {
    const timestamp = connectTimestamp((this.o.now ?? Date.now)());
    this.authSource = authenticatorSource(this.o.spId, this.o.sharedSecret, timestamp);
    return encodeConnect(seq, {
      sourceAddr: this.o.spId, authenticatorSource: this.authSource, version: VERSION_OCTET[this.o.version], timestamp: Number(timestamp),
    });
  }

  loginRefusal(res: ProtocolResponse): string | null {
    if (res.pdu.command !== 'connect_resp') return `${res.command} answers the CMPP_CONNECT`;
    const r = res.pdu as unknown as CmppConnectResp;
    if (r.status !== 0) return `status ${r.status} (${CONNECT_STATUS[r.status] ?? 'unknown status'})`;
    // Status 0 from a peer that cannot prove it knows the secret: an impostor, or a secret typed wrong on
    // one side; nothing it says can be trusted.
    if (!ismgAuthenticates(r.authenticatorIsmg, r.status, r.statusBytes, this.authSource, this.o.sharedSecret)) {
      return 'status 0 but its AuthenticatorISMG does not verify with our shared secret';
    }
    return null;
  }

  read(frame: Buffer, peer: ProtocolPeer): ProtocolResponse | null {
    const d = decodeCmpp(frame, this.o.version);
    if (!d.ok) {
      peer.fail(d.reason);
      return null;
    }
    const p = d.pdu;
    const command = cmppCommandText(CmppCommand[p.command]);
    switch (p.command) {
      case 'connect_resp':
        return { seq: p.seq, command, status: p.body.status, pdu: { command: p.command, seq: p.seq, ...p.body } };
      case 'submit_resp':
      case 'deliver_resp':
        return { seq: p.seq, command, status: p.body.result, pdu: { command: p.command, seq: p.seq, message_id: p.body.msgId, result: p.body.result } };
      case 'active_test_resp':
      case 'terminate_resp':
        return { seq: p.seq, command, status: 0, pdu: { command: p.command, seq: p.seq } };
      default:
        serveCmppRequest(this.o.version, frame, p, peer);
        return null;
    }
  }

  judge(res: ProtocolResponse, requestCommandId: number): Verdict {
    const commandId = CmppCommand[res.pdu.command as keyof typeof CmppCommand];
    if (commandId !== (requestCommandId | CMPP_RESPONSE_BIT) >>> 0) {
      return { kind: 'mismatch', why: `${res.command} answers a ${cmppCommandText(requestCommandId)}` };
    }
    if (res.pdu.command === 'submit_resp' && res.status === SUBMIT_RESULT.ok && res.pdu.message_id === NO_MSG_ID) {
      return { kind: 'unproven', why: 'CMPP_SUBMIT_RESP with Result 0 and a Msg_Id of zeros' };
    }
    return { kind: 'answer', status: res.status };
  }

  classify(status: number): ResultClass {
    return classifyCmppResult(this.o.version, status);
  }

  describe(status: number): string {
    return describeCmppResult(this.o.version, status);
  }

  badDestination(status: number): boolean {
    return isBadDestination(this.o.version, status);
  }
}
