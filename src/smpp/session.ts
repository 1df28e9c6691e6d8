/**
 * One SMPP 3.4 connection lifetime: the session core (src/session/core.ts) speaking SMPP
 * (src/smpp/protocol.ts). A reconnect is a new SmppSession.
 */
import pino, { type Logger } from 'pino';
import { SessionCore } from '../session/core.js';
import type { DialOptions } from '../session/dial.js';
import { SmppProtocol } from './protocol.js';

export type { InboundRequest, RequestItem, RequestOutcome } from '../session/outcome.js';
export type { SessionStatus, SessionCloseInfo } from '../session/core.js';

export interface SessionOptions extends DialOptions {
  systemId: string;
  password: string;
  systemType?: string;
  bindType: 'transceiver' | 'transmitter' | 'receiver';
  windowSize: number;
  responseTimeoutMs: number;
  enquireLinkMs: number;
  bindTimeoutMs: number;
  maxPduBytes?: number;
  /** Once a frame has begun, the rest must arrive within this; default responseTimeoutMs. */
  frameTimeoutMs?: number;
  /** This many requests in a row unanswered (timed out, or accepted without a message_id) close the session; 0: never. */
  dropAfterTimeouts?: number;
  /** Above this many bytes queued in user space, requests are refused until 'drain'. */
  writeHighWaterBytes?: number;
  name?: string;
  logger?: Logger;
}

export class SmppSession extends SessionCore {
  private readonly bindType: SessionOptions['bindType'];

  constructor(opts: SessionOptions) {
    const name = opts.name ?? `${opts.systemId}@${opts.host}:${opts.port}`;
    const logger = (opts.logger ?? pino({ level: 'silent' })).child({ session: name, bindType: opts.bindType });
    const { host, port, tls, tlsCa, tlsCert, tlsKey, windowSize, responseTimeoutMs, frameTimeoutMs, dropAfterTimeouts, writeHighWaterBytes } = opts;
    super(
      {
        host, port, tls, tlsCa, tlsCert, tlsKey, windowSize, responseTimeoutMs, frameTimeoutMs, dropAfterTimeouts, writeHighWaterBytes,
        keepAliveMs: opts.enquireLinkMs, loginTimeoutMs: opts.bindTimeoutMs, name, logger,
      },
      new SmppProtocol(opts),
    );
    this.bindType = opts.bindType;
  }

  get canTransmit(): boolean {
    return this.bindType !== 'receiver';
  }
}
