/**
 * One simulated CMPP carrier: an ISMG of one version (2.0 or 3.0) on its own port. Holds its
 * connections, counters and behaviours; logins, submits and MOs go through here. Submits, fault
 * shares, timers, MO references and the receipt sender's retry and redelivery are the SMPP side's.
 */
import net from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { authenticatorIsmg, authenticatorSource } from '../cmpp/auth.js';
import { encodeConnectResp, type CmppConnect } from '../cmpp/connect.js';
import { LAYOUT, VERSION_OCTET, type CmppVersion } from '../cmpp/constants.js';
import type { CmppSubmit } from '../cmpp/submit.js';
import { SmppdError } from '../errors.js';
import type { SimContext } from './carrier.js';
import { CmppConnection, type CmppConnectionHost } from './cmpp-connection.js';
import { moFrame, reportFrame } from './cmpp-deliver.js';
import type { CmppIdSource } from './cmpp-ids.js';
import { handleCmppSubmit, type CmppSubmitHost } from './cmpp-submit.js';
import { cmppMoParts } from './cmpp-text.js';
import { ReceiptSender, type ReceiptJob } from './receipts.js';
import { FaultShares } from './shares.js';
import type { SimBehaviours, SimCarrierOptions, SimCarrierStats, SimSubmit } from './types.js';
import { maskNumber } from './wire.js';

export type CmppContext = SimContext & { cmppIds: CmppIdSource };

/** CMPP_CONNECT_RESP Status values the simulated ISMG answers with. */
export const ConnectStatus = { OK: 0, BAD_SOURCE: 2, AUTH_FAILED: 3, VERSION_TOO_HIGH: 4, OTHER: 5 } as const;

const MO_ANSWER_TIMEOUT_MS = 5000;

export class CmppCarrier implements CmppConnectionHost, CmppSubmitHost {
  readonly name: string;
  readonly version: CmppVersion;
  port = 0;
  behaviours: SimBehaviours;
  readonly stats: SimCarrierStats = { binds: 0, bindsRefused: 0, submits: 0, receipts: 0, connections: 0 };
  readonly shares = new FaultShares();
  readonly receipts: ReceiptSender;
  readonly log: Logger;
  private readonly connections = new Set<CmppConnection>();
  private readonly server: net.Server;
  private bindAttempts = 0;
  private receiptsMade = 0;
  private reportSeq = 0;
  private moTurn = 0;

  constructor(private readonly opts: SimCarrierOptions, private readonly ctx: CmppContext) {
    this.name = opts.name;
    this.version = opts.version ?? '2.0';
    this.behaviours = { ...opts.behaviours };
    this.log = ctx.logger.child({ carrier: opts.name, protocol: `cmpp ${this.version}` });
    this.receipts = new ReceiptSender(() => this.receivers(), () => this.behaviours, ctx.timers, () => this.stats.receipts++, this.log);
    this.server = net.createServer((socket) => {
      this.stats.connections++;
      this.connections.add(new CmppConnection(this.stats.connections, socket, this, this.log));
    });
  }

  get cmppIds(): CmppIdSource { return this.ctx.cmppIds; }
  get submits(): SimSubmit[] { return this.ctx.submits; }
  get keepSubmits(): number { return this.ctx.keepSubmits; }
  get timers() { return this.ctx.timers; }

  listen(host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, host, () => {
        this.server.off('error', reject);
        const addr = this.server.address();
        this.port = typeof addr === 'object' && addr ? addr.port : this.opts.port;
        this.log.info({ port: this.port }, 'simulated ISMG listening');
        resolve(this.port);
      });
    });
  }

  setBehaviours(b: SimBehaviours): void {
    this.behaviours = { ...b };
    this.shares.reset();
    this.bindAttempts = 0; // refuseBinds counts from now
  }

  receivers(): CmppConnection[] {
    return [...this.connections].filter((c) => c.canReceive);
  }

  nextUndeliverable(): boolean {
    const n = ++this.receiptsMade;
    const stat = this.behaviours.receiptStat ?? 'DELIVRD';
    return stat === 'UNDELIV' || (stat === 'mixed' && n % 10 === 0);
  }

  connect(conn: CmppConnection, seq: number, c: CmppConnect): boolean {
    const status = conn.status === 'connected' ? ConnectStatus.OTHER : this.loginStatus(c);
    const secret = this.opts.secret ?? '';
    const statusBytes = LAYOUT[this.version].resultBytes;
    const auth = authenticatorIsmg(status, statusBytes, c.authenticatorSource, secret);
    conn.write(encodeConnectResp(seq, { status, statusBytes, authenticatorIsmg: auth, version: VERSION_OCTET[this.version] }));
    if (status === ConnectStatus.OK) this.stats.binds++;
    else this.stats.bindsRefused++;
    this.log.info({ conn: conn.id, spId: c.sourceAddr, status }, status === ConnectStatus.OK ? 'CONNECT accepted' : 'CONNECT refused');
    return status === ConnectStatus.OK;
  }

  private loginStatus(c: CmppConnect): number {
    this.bindAttempts++;
    if (this.bindAttempts <= (this.behaviours.refuseBinds ?? 0)) return ConnectStatus.OTHER;
    if (c.version > VERSION_OCTET[this.version]) return ConnectStatus.VERSION_TOO_HIGH;
    if (this.opts.spId !== undefined && c.sourceAddr !== this.opts.spId) return ConnectStatus.BAD_SOURCE;
    if (this.opts.secret !== undefined) {
      const want = authenticatorSource(c.sourceAddr, this.opts.secret, String(c.timestamp).padStart(10, '0'));
      if (c.authenticatorSource.length !== want.length || !timingSafeEqual(c.authenticatorSource, want)) return ConnectStatus.AUTH_FAILED;
    }
    return ConnectStatus.OK;
  }

  connected(): void {
    this.receipts.flush();
  }

  submit(conn: CmppConnection, seq: number, s: CmppSubmit): void {
    handleCmppSubmit(this, conn, seq, s);
  }

  receiptFrame(job: ReceiptJob, b: SimBehaviours, seq: number): Buffer {
    return reportFrame(this.version, seq, this.cmppIds.take(), job, b, Date.now(), ++this.reportSeq);
  }

  closed(conn: CmppConnection): void {
    this.connections.delete(conn);
  }

  /** Delivers an MO on the next connected SP link; resolves when every part is answered with Result 0. */
  async sendMo(mo: { from: string; to: string; text: string }): Promise<void> {
    const rx = this.receivers();
    if (rx.length === 0) throw new SmppdError('NOT_BOUND', `carrier ${this.name} has no connected SP for an MO`);
    const conn = rx[this.moTurn++ % rx.length]; // all parts on one connection, like an ISMG
    const parts = cmppMoParts(mo.text, this.ctx.nextMoRef());
    this.log.info({ from: maskNumber(mo.from), to: maskNumber(mo.to), parts: parts.length }, 'sending MO');
    await Promise.all(parts.map((part) => new Promise<void>((resolve, reject) => {
      conn.request((seq) => moFrame(this.version, seq, this.cmppIds.take(), mo, part), MO_ANSWER_TIMEOUT_MS, (o) => {
        if (o === 0) resolve();
        else if (o === 'closed') reject(new SmppdError('CONNECTION_CLOSED'));
        else if (o === 'timeout') reject(new SmppdError('RESPONSE_TIMEOUT'));
        else reject(new Error(`MO DELIVER answered with Result ${o}`));
      });
    })));
  }

  /** Stops listening and destroys every connection. */
  close(): Promise<void> {
    for (const c of [...this.connections]) c.destroy('simulator closing');
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
