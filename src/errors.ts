/**
 * One table of stable error codes. Every `rejected`/`failed` event, every refused config and every
 * closed session carries one of these codes; docs/ERRORS.md is kept in step by test/docs/errors-doc.test.ts.
 */
export const ErrorCodes = {
  // Job rejected at intake (the job never reaches a lane).
  BAD_JSON: 'job payload is not valid JSON',
  BAD_FIELD: 'a job field is missing or has the wrong type',
  BAD_NUMBER: 'the recipient is not a valid phone number',
  EMPTY_TEXT: 'the text is empty',
  TOO_MANY_PARTS: 'the text needs more parts than the configured maximum',
  UNROUTABLE: 'no carrier route matches the recipient and there is no default route',
  MISSING_OPTOUT: 'a marketing text lacks the opt-out line and the carrier rejects instead of appending',
  DUPLICATE_ID: 'a job with this id already exists (ids are unique within the retention period)',
  DUPLICATE: 'the same dedupKey (or recipient and text) was seen within the dedup window',
  OPTED_OUT: 'the recipient opted out of marketing',
  BLACKLISTED: 'the recipient is blacklisted',
  OVER_CAP: 'the recipient reached the frequency cap for this class and period',
  INVALID_NUMBER: 'the recipient was marked invalid by an earlier permanent delivery error',
  EXPIRED: 'the job expired before it could be sent',
  // Sending.
  SMSC_REJECTED: 'the SMSC refused the message with a permanent error',
  SMSC_TRANSIENT: 'the SMSC refused the message with a transient error; retried until the attempt limit',
  RETRIES_EXHAUSTED: 'the attempt limit was reached',
  UNKNOWN_OUTCOME: 'the message was written but no response arrived before the connection or daemon died',
  NO_CHANNEL: 'no channel of the carrier on this daemon can write the job as prepared (a reload replaced them); tried again within queue.maxAttempts',
  // Receipts.
  UNDELIVERABLE: 'the carrier reported the message undeliverable',
  NO_RECEIPT: 'no final delivery receipt came within queue.receiptTtlDays of submission',
  // Sessions and config.
  CONFIG_INVALID: 'the configuration file is invalid',
  CONFIG_UNREADABLE: 'the configuration file cannot be read or parsed',
  REDIS_UNAVAILABLE: 'Redis cannot be reached',
  OLDER_DAEMON: 'a daemon of an older smppd version holds a live lease on the same Redis',
  INSTANCE_IN_USE: 'a live daemon with the same instanceId holds its lease on the same Redis',
  BIND_FAILED: 'the SMSC refused the bind (or a CMPP ISMG the CONNECT)',
  BAD_PDU: 'the SMSC sent a malformed PDU',
  RESPONSE_TIMEOUT: 'the SMSC did not answer within responseTimeoutMs',
  CONNECTION_CLOSED: 'the connection closed while the request was outstanding',
  NO_MESSAGE_ID: 'the SMSC answered a submit_sm with status 0 but no message_id: the outcome is unknown',
  WINDOW_FULL: 'the session window is full',
  NOT_BOUND: 'the session is not bound',
  SIM_PORT_IN_USE: 'a port the simulator needs is taken by another process',
  METRICS_PORT_IN_USE: 'the metrics port (metrics.host:metrics.port) is taken by another process',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class SmppdError extends Error {
  readonly code: ErrorCode;
  readonly path?: string;
  constructor(code: ErrorCode, message?: string, opts: { path?: string; cause?: unknown } = {}) {
    super(message ?? ErrorCodes[code], opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SmppdError';
    this.code = code;
    if (opts.path !== undefined) this.path = opts.path;
  }
}
