/**
 * One simulated carrier: an SMSC on its own port, built on the `smpp` package's server side.
 * Holds the carrier's connections, counters and behaviours; binds, submits and MOs go through here.
 */
import type { Logger } from 'pino';
import smpp, { type Server, type Session } from 'smpp';
import { SmppdError } from '../errors.js';
import { SimConnection, type BindKind, type ConnectionHost } from './connection.js';
import type { IdSource } from './ids.js';
import { truncateSm } from './hostile.js';
import { moParts } from './mo-parts.js';
import { ReceiptSender } from './receipts.js';
import { FaultShares, Status } from './shares.js';
import { handleSubmit, type SubmitHost } from './submit.js';
import type { TimerSet } from './timers.js';
import type { SimBehaviours, SimCarrierOptions, SimCarrierStats, SimSubmit } from './types.js';
import { maskNumber } from './wire.js';

export interface SimContext {
  ids: IdSource;
  submits: SimSubmit[];
  keepSubmits: number;
  timers: TimerSet;
  logger: Logger;
  nextMoRef(): number;
}

const MO_ANSWER_TIMEOUT_MS = 5000;

export class SimCarrier implements ConnectionHost, SubmitHost {
  readonly name: string;
  port = 0;
  behaviours: SimBehaviours;
  readonly stats: SimCarrierStats = { binds: 0, bindsRefused: 0, submits: 0, receipts: 0, connections: 0 };
  readonly shares = new FaultShares();
  readonly receipts: ReceiptSender;
  private readonly connections = new Set<SimConnection>();
  private readonly server: Server;
  readonly log: Logger;
  private bindAttempts = 0;
  private receiptsMade = 0;
  private moTurn = 0;

  constructor(
    private readonly opts: SimCarrierOptions,
    private readonly ctx: SimContext,
  ) {
    this.name = opts.name;
    this.behaviours = { ...opts.behaviours };
    this.log = ctx.logger.child({ carrier: opts.name });
    this.receipts = new ReceiptSender(
      () => this.receivers(),
      () => this.behaviours,
      ctx.timers,
      () => this.stats.receipts++,
      this.log,
    );
    this.server = smpp.createServer((session: Session) => {
      // Our own framing reads the socket; the package's reader would decode text by guess.
      session.socket.removeAllListeners('readable');
      session.on('error', () => undefined); // socket errors are handled by SimConnection
      this.stats.connections++;
      const conn = new SimConnection(this.stats.connections, session.socket, this, this.log);
      this.connections.add(conn);
    });
  }

  get ids(): IdSource {
    return this.ctx.ids;
  }
  get submits(): SimSubmit[] {
    return this.ctx.submits;
  }
  get keepSubmits(): number {
    return this.ctx.keepSubmits;
  }
  get timers(): TimerSet {
    return this.ctx.timers;
  }

  listen(host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, host, () => {
        this.server.off('error', reject);
        const addr = this.server.address();
        this.port = typeof addr === 'object' && addr ? addr.port : this.opts.port;
        this.log.info({ port: this.port }, 'simulated SMSC listening');
        resolve(this.port);
      });
    });
  }

  setBehaviours(b: SimBehaviours): void {
    this.behaviours = { ...b };
    this.shares.reset();
    this.bindAttempts = 0; // refuseBinds counts from now
  }

  receivers(): SimConnection[] {
    return [...this.connections].filter((c) => c.canReceive);
  }

  nextUndeliverable(): boolean {
    const n = ++this.receiptsMade;
    const stat = this.behaviours.receiptStat ?? 'DELIVRD';
    return stat === 'UNDELIV' || (stat === 'mixed' && n % 10 === 0);
  }

  bind(conn: SimConnection, kind: BindKind, systemId: string, password: string): number {
    this.bindAttempts++;
    let status: number = Status.OK;
    if (this.bindAttempts <= (this.behaviours.refuseBinds ?? 0)) status = Status.RBINDFAIL;
    else if ((this.opts.systemId !== undefined && systemId !== this.opts.systemId) || (this.opts.password !== undefined && password !== this.opts.password)) {
      status = Status.RINVPASWD;
    }
    if (status === Status.OK) this.stats.binds++;
    else this.stats.bindsRefused++;
    this.log.info({ conn: conn.id, kind, systemId, status }, status === Status.OK ? 'bind accepted' : 'bind refused');
    return status;
  }

  bound(): void {
    this.receipts.flush();
  }

  submit(conn: SimConnection, pdu: Buffer): void {
    handleSubmit(this, conn, pdu);
  }

  closed(conn: SimConnection): void {
    this.connections.delete(conn);
  }

  /** Delivers an MO on the next bound receiver; resolves when every part is acknowledged. */
  async sendMo(mo: { from: string; to: string; text: string }): Promise<void> {
    const rx = this.receivers();
    if (rx.length === 0) throw new SmppdError('NOT_BOUND', `carrier ${this.name} has no bound receiver for an MO`);
    const conn = rx[this.moTurn++ % rx.length]; // all parts on one connection, like an SMSC
    const parts = moParts(mo.text, this.ctx.nextMoRef());
    this.log.info({ from: maskNumber(mo.from), to: maskNumber(mo.to), parts: parts.length }, 'sending MO');
    await Promise.all(
      parts.map(
        (p) =>
          new Promise<void>((resolve, reject) => {
            const fields = {
              source_addr_ton: 1, source_addr_npi: 1, source_addr: mo.from,
              dest_addr_ton: 0, dest_addr_npi: 1, destination_addr: mo.to,
              esm_class: p.esmClass, data_coding: p.dataCoding, short_message: p.shortMessage,
            };
            conn.request('deliver_sm', fields, MO_ANSWER_TIMEOUT_MS, (o) => {
              if (o === 0) resolve();
              else if (o === 'closed') reject(new SmppdError('CONNECTION_CLOSED'));
              else if (o === 'timeout') reject(new SmppdError('RESPONSE_TIMEOUT'));
              else reject(new Error(`MO deliver_sm answered with status 0x${o.toString(16)}`));
            }, this.behaviours.moTruncated ? truncateSm : undefined);
          }),
      ),
    );
  }

  /** Stops listening and destroys every connection. */
  close(): Promise<void> {
    for (const c of [...this.connections]) c.destroy('simulator closing');
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
