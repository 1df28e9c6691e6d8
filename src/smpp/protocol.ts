/**
 * SMPP 3.4 on the session core: login = bind_<type> (interface_version 0x34), keep-alive = enquire_link,
 * logout = unbind, pairing = answer.ts, requests the SMSC sends = inbound.ts. The `smpp` package is used
 * only as a PDU codec.
 */
import type { ProtocolPeer, ProtocolResponse, ResultClass, SessionProtocol, Verdict } from '../session/protocol.js';
import { classifySmppStatus } from './results.js';
import { judgeAnswer } from './answer.js';
import { isDelivery, serveDeliver, serveRequest } from './inbound.js';
import { allowPduBytes, decodePdu, encodePdu } from './pdu-codec.js';
import { CommandId, HEADER_BYTES, Status, frame, hex32, isResponseId } from './pdu-header.js';
import { DEFAULT_MAX_PDU_BYTES } from './framer.js';

/** SMPP 3.4 interface_version (§5.2.4); the package would send 0x50 otherwise. */
export const INTERFACE_VERSION = 0x34;
const EMPTY = new Uint8Array(0);

export interface SmppLogin {
  systemId: string;
  password: string;
  systemType?: string;
  bindType: 'transceiver' | 'transmitter' | 'receiver';
  maxPduBytes?: number;
}

export class SmppProtocol implements SessionProtocol {
  readonly headerBytes = HEADER_BYTES;
  readonly maxPduBytes: number;
  readonly words = { login: 'bind', keepAlive: 'enquire_link', logout: 'unbind', peer: 'SMSC' };
  readonly keepAlive = { commandId: CommandId.enquire_link, body: EMPTY };
  readonly logout = { commandId: CommandId.unbind, body: EMPTY };

  constructor(private readonly o: SmppLogin) {
    this.maxPduBytes = o.maxPduBytes ?? DEFAULT_MAX_PDU_BYTES;
    allowPduBytes(this.maxPduBytes);
  }

  frame(commandId: number, seq: number, body: Uint8Array): Buffer {
    return frame(commandId, seq, body);
  }

  login(seq: number): Buffer {
    const { systemId, password, systemType, bindType } = this.o;
    return encodePdu(`bind_${bindType}`, seq, {
      system_id: systemId,
      password,
      system_type: systemType ?? '',
      interface_version: INTERFACE_VERSION,
    });
  }

  loginRefusal(res: ProtocolResponse): string | null {
    if (res.status === Status.ESME_ROK && res.command === `bind_${this.o.bindType}_resp`) return null;
    return `${res.command} status ${hex32(res.status)}`;
  }

  read(buf: Buffer, peer: ProtocolPeer): ProtocolResponse | null {
    if (isDelivery(buf.readUInt32BE(4))) {
      serveDeliver(buf, peer);
      return null;
    }
    const decoded = decodePdu(buf);
    if (!decoded.ok) {
      peer.fail(decoded.reason);
      return null;
    }
    const pdu = decoded.pdu;
    if (isResponseId(pdu.command_id)) return { seq: pdu.sequence_number, command: pdu.command, status: pdu.command_status, pdu };
    serveRequest(pdu, peer);
    return null;
  }

  judge(res: ProtocolResponse, requestCommandId: number): Verdict {
    return judgeAnswer(res.pdu as Parameters<typeof judgeAnswer>[0], requestCommandId);
  }

  classify(status: number): ResultClass {
    return classifySmppStatus(status);
  }

  describe(status: number): string {
    return `command_status 0x${status.toString(16).padStart(8, '0')}`;
  }

  badDestination(): undefined {
    return undefined;
  }
}
