/**
 * The session a channel's bind opens, by the channel's protocol: an SmppSession, or a CmppSession whose
 * CONNECT is made from the same fields under CMPP's names (docs/CONFIG.md, "Channels").
 */
import type { Logger } from 'pino';
import type { ChannelConfig } from '../config/types.js';
import type { Protocol } from '../types.js';
import type { SessionCore } from '../session/core.js';
import { SmppSession } from '../smpp/session.js';
import { CommandId } from '../smpp/pdu-header.js';
import { CmppSession } from '../cmpp/session.js';
import { CmppCommand } from '../cmpp/constants.js';

export type BindRole = 'transceiver' | 'transmitter' | 'receiver';

/** The command a message part is written under. */
export const SUBMIT_COMMAND: Record<Protocol, number> = { smpp: CommandId.submit_sm, cmpp: CmppCommand.submit };

/** The answer to a delivery nobody listens for: "try again later" (SMPP ESME_RX_T_APPN, CMPP Result 8 flow control). */
export const REDELIVER_LATER: Record<Protocol, number> = { smpp: 0x64, cmpp: 8 };

export function openSession(c: ChannelConfig, role: BindRole, name: string, logger: Logger): SessionCore {
  const shared = {
    host: c.host, port: c.port, tls: c.tls, tlsCa: c.tlsCa, tlsCert: c.tlsCert, tlsKey: c.tlsKey,
    windowSize: c.windowSize, responseTimeoutMs: c.responseTimeoutMs, dropAfterTimeouts: c.dropAfterTimeouts, name, logger,
  };
  if (c.protocol === 'cmpp') {
    return new CmppSession({
      ...shared, version: c.cmpp!.version, spId: c.systemId, sharedSecret: c.password,
      activeTestMs: c.enquireLinkMs, connectTimeoutMs: c.bindTimeoutMs,
    });
  }
  return new SmppSession({
    ...shared, systemId: c.systemId, password: c.password, systemType: c.systemType, bindType: role,
    enquireLinkMs: c.enquireLinkMs, bindTimeoutMs: c.bindTimeoutMs,
  });
}
