/**
 * One CMPP 2.0 / 3.0 connection lifetime: the session core (src/session/core.ts) speaking CMPP
 * (src/cmpp/protocol.ts). A reconnect is a new CmppSession. Requests are CMPP_SUBMIT bodies
 * (submit.ts `submitBody`); their outcomes carry the Result as `status` and the Msg_Id as `pdu.message_id`.
 */
import pino, { type Logger } from 'pino';
import { coreOptions, SessionCore, type SharedSessionOptions } from '../session/core.js';
import type { CmppVersion } from './constants.js';
import { CmppProtocol } from './protocol.js';

export interface CmppSessionOptions extends SharedSessionOptions {
  version: CmppVersion;
  /** Source_Addr of the CONNECT: the SP's enterprise code. */
  spId: string;
  sharedSecret: string;
  /** CMPP_ACTIVE_TEST after this much idle time; unanswered within responseTimeoutMs = dead link. */
  activeTestMs: number;
  /** One bound for connect + CMPP_CONNECT together. */
  connectTimeoutMs: number;
  maxPduBytes?: number;
  name?: string;
  logger?: Logger;
  /** The clock of the CONNECT Timestamp; default Date.now. */
  now?: () => number;
}

export class CmppSession extends SessionCore {
  readonly version: CmppVersion;

  constructor(opts: CmppSessionOptions) {
    const name = opts.name ?? `${opts.spId}@${opts.host}:${opts.port}`;
    const logger = (opts.logger ?? pino({ level: 'silent' })).child({ session: name, protocol: `CMPP ${opts.version}` });
    super(coreOptions(opts, { keepAliveMs: opts.activeTestMs, loginTimeoutMs: opts.connectTimeoutMs, name, logger }), new CmppProtocol(opts));
    this.version = opts.version;
  }
}
