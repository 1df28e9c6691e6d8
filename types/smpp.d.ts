/**
 * Types for the parts of `smpp` 0.5.1 that smppd uses. The package is CommonJS without types.
 * What the package does not pin down (PDU fields, definition tables) stays `any`.
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type * as net from 'node:net';

  export interface PduOptions {
    command_status?: number;
    sequence_number?: number;
    [field: string]: any;
  }

  export class PDU {
    /** Encode side: a command name from `commands`; decode side: a whole PDU buffer. */
    constructor(command: string | Buffer, options?: PduOptions);
    command: string;
    command_length: number;
    command_id: number;
    command_status: number;
    sequence_number: number;
    [field: string]: any;
    /** Largest command_length the decoder accepts (16384 by default); decoding above it throws. */
    static maxLength: number;
    /** Returns false when the buffer is shorter than 16 bytes or than its command_length. */
    static fromBuffer(buffer: Buffer): PDU | false;
    toBuffer(): Buffer;
    isResponse(): boolean;
    /** The matching *_resp (generic_nack for an unknown command) with the same sequence_number. */
    response(options?: PduOptions): PDU;
  }

  /** Server-side session (the package's client side is not used by smppd). */
  export class Session extends EventEmitter {
    constructor(options?: any);
    socket: net.Socket;
    server?: Server;
    sequence: number;
    paused: boolean;
    /** Returns false when the socket is not writable. */
    send(pdu: PDU, responseCallback?: (pdu: PDU) => void, sendCallback?: (pdu: PDU) => void): boolean;
    pause(): void;
    resume(): void;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    on(event: 'pdu', listener: (pdu: PDU) => void): this;
    on(event: 'close' | 'connect' | 'secureConnect', listener: () => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: string, listener: (pdu: PDU) => void): this;
    /** Per-command shortcuts (`bind_transceiver_resp`, `deliver_sm`, ...). */
    [command: string]: any;
  }

  export class Server extends EventEmitter {
    sessions: Session[];
    listen(...args: any[]): this;
    close(callback?: (err?: Error) => void): this;
    address(): net.AddressInfo | string | null;
    on(event: 'session', listener: (session: Session) => void): this;
    on(event: string, listener: (...args: any[]) => void): this;
  }

  export function createServer(options?: any, listener?: (session: Session) => void): Server;
  export function createServer(listener: (session: Session) => void): Server;
  export function addCommand(command: string, options: any): void;
  export function addTLV(tag: string, options: any): void;

  export const errors: Record<string, number>;
  export const commands: Record<string, { id: number; params?: Record<string, any>; [key: string]: any }>;
  export const commandsById: Record<number, { id: number; command: string; [key: string]: any }>;
  export const tlvs: Record<string, any>;
  export const tlvsById: Record<number, any>;
  export const encodings: any;
  export const consts: any;
  export const types: any;
  export const filters: any;
  export const gsmCoder: any;

  export const ESME_ROK: number;
  export const ESME_RINVCMDID: number;
  export const ESME_RBINDFAIL: number;
  export const ESME_RSYSERR: number;
  export const ESME_RTHROTTLED: number;
  export const ESME_RMSGQFUL: number;

  const smpp: {
    PDU: typeof PDU;
    Session: typeof Session;
    Server: typeof Server;
    createServer: typeof createServer;
    addCommand: typeof addCommand;
    addTLV: typeof addTLV;
    errors: typeof errors;
    commands: typeof commands;
    commandsById: typeof commandsById;
    tlvs: typeof tlvs;
    tlvsById: typeof tlvsById;
    encodings: any;
    consts: any;
    types: any;
    filters: any;
    gsmCoder: any;
    [constant: string]: any;
  };
  export default smpp;
}
