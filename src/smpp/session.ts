/**
 * One SMPP 3.4 connection lifetime: the session core (src/session/core.ts) speaking SMPP
 * (src/smpp/protocol.ts). A reconnect is a new SmppSession.
 */
import pino, { type Logger } from 'pino';
import { coreOptions, SessionCore, type SharedSessionOptions } from '../session/core.js';
import { SmppProtocol } from './protocol.js';

export type { InboundRequest, RequestItem, RequestOutcome } from '../session/outcome.js';
export type { SessionStatus, SessionCloseInfo } from '../session/core.js';

export interface SessionOptions extends SharedSessionOptions {
  systemId: string;
  password: string;
  systemType?: string;
  bindType: 'transceiver' | 'transmitter' | 'receiver';
  enquireLinkMs: number;
  bindTimeoutMs: number;
  maxPduBytes?: number;
  name?: string;
  logger?: Logger;
}

export class SmppSession extends SessionCore {
  private readonly bindType: SessionOptions['bindType'];

  constructor(opts: SessionOptions) {
    const name = opts.name ?? `${opts.systemId}@${opts.host}:${opts.port}`;
    const logger = (opts.logger ?? pino({ level: 'silent' })).child({ session: name, bindType: opts.bindType });
    super(coreOptions(opts, { keepAliveMs: opts.enquireLinkMs, loginTimeoutMs: opts.bindTimeoutMs, name, logger }), new SmppProtocol(opts));
    this.bindType = opts.bindType;
  }

  get canTransmit(): boolean {
    return this.bindType !== 'receiver';
  }
}
