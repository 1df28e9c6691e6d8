/**
 * What a simulated carrier keeps whatever protocol it speaks: its port, behaviours, counters, fault
 * shares, receipt sender and connections; listening, closing, the receiver turn for MOs and the
 * receiptStat count. carrier.ts (an SMSC) and cmpp-carrier.ts (an ISMG) add their logins and frames.
 */
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { SmppdError } from '../errors.js';
import type { IdSource } from './ids.js';
import type { RequestOutcome } from './pending-requests.js';
import { ReceiptSender, type ReceiptLink } from './receipts.js';
import { FaultShares } from './shares.js';
import type { TimerSet } from './timers.js';
import type { SimBehaviours, SimCarrierOptions, SimCarrierStats, SimSubmit } from './types.js';

export interface SimContext {
  ids: IdSource;
  submits: SimSubmit[];
  keepSubmits: number;
  timers: TimerSet;
  logger: Logger;
  nextMoRef(): number;
}

/** A connection as the carrier's bookkeeping sees it. */
export interface CarrierLink extends ReceiptLink {
  readonly canReceive: boolean;
  destroy(reason: string): void;
}

/** The listening server: node's net.Server (CMPP) or the smpp package's (SMPP). */
export interface Listener {
  once(event: 'error', fn: (err: Error) => void): unknown;
  off(event: 'error', fn: (err: Error) => void): unknown;
  listen(port: number, host: string, cb: () => void): unknown;
  address(): AddressInfo | string | null;
  close(cb: () => void): unknown;
}

export const MO_ANSWER_TIMEOUT_MS = 5000;

export abstract class CarrierBase<C extends CarrierLink> {
  readonly name: string;
  port = 0;
  behaviours: SimBehaviours;
  readonly stats: SimCarrierStats = { binds: 0, bindsRefused: 0, submits: 0, receipts: 0, connections: 0 };
  readonly shares = new FaultShares();
  readonly receipts: ReceiptSender;
  readonly log: Logger;
  readonly heldAnswers: Array<() => void> = [];
  protected readonly connections = new Set<C>();
  protected abstract readonly server: Listener;
  /** Logins tried since the behaviours were last set: refuseBinds counts them. */
  protected bindAttempts = 0;
  private receiptsMade = 0;
  private moTurn = 0;

  constructor(
    protected readonly opts: SimCarrierOptions,
    protected readonly ctx: SimContext,
    logBindings: Record<string, string>,
    private readonly listeningAs: string,
  ) {
    this.name = opts.name;
    this.behaviours = { ...opts.behaviours };
    this.log = ctx.logger.child({ carrier: opts.name, ...logBindings });
    this.receipts = new ReceiptSender(() => this.receivers(), () => this.behaviours, ctx.timers, () => this.stats.receipts++, this.log);
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
        this.log.info({ port: this.port }, `simulated ${this.listeningAs} listening`);
        resolve(this.port);
      });
    });
  }

  setBehaviours(b: SimBehaviours): void {
    this.behaviours = { ...b };
    this.shares.reset();
    this.bindAttempts = 0; // refuseBinds counts from now
    if (!b.holdAnswers) for (const answer of this.heldAnswers.splice(0)) answer();
  }

  receivers(): C[] {
    return [...this.connections].filter((c) => c.canReceive);
  }

  nextUndeliverable(): boolean {
    const n = ++this.receiptsMade;
    const stat = this.behaviours.receiptStat ?? 'DELIVRD';
    return stat === 'UNDELIV' || (stat === 'mixed' && n % 10 === 0);
  }

  closed(conn: C): void {
    this.connections.delete(conn);
  }

  /** Counts a new connection and keeps the one `make` builds with its number. */
  protected accept(make: (id: number) => C): void {
    this.stats.connections++;
    this.connections.add(make(this.stats.connections));
  }

  /** The receiver the next MO goes out on, in turn; `none` says what is missing when there is none. */
  protected moLink(none: string): C {
    const rx = this.receivers();
    if (rx.length === 0) throw new SmppdError('NOT_BOUND', `carrier ${this.name} has no ${none} for an MO`);
    return rx[this.moTurn++ % rx.length]; // all parts on one connection, as carriers do
  }

  /** Ends an MO part's promise by how its request ended; `refused` words a non-zero status. */
  protected static moAnswered(resolve: () => void, reject: (err: Error) => void, refused: (status: number) => string) {
    return (o: RequestOutcome): void => {
      if (o === 0) resolve();
      else if (o === 'closed') reject(new SmppdError('CONNECTION_CLOSED'));
      else if (o === 'timeout') reject(new SmppdError('RESPONSE_TIMEOUT'));
      else reject(new Error(refused(o)));
    };
  }

  /** Destroys every open connection (a carrier's gateway going away); the port keeps listening. */
  disconnect(): number {
    const open = [...this.connections];
    for (const c of open) c.destroy('disconnected by the operator');
    return open.length;
  }

  /** Stops listening and destroys every connection. */
  close(): Promise<void> {
    for (const c of [...this.connections]) c.destroy('simulator closing');
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
