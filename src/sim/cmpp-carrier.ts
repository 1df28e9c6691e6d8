/**
 * One simulated CMPP carrier: an ISMG of one version (2.0 or 3.0) on its own port. Logins, submits and
 * MOs go through here; the bookkeeping both protocols keep (connections, counters, behaviours, fault
 * shares, receipt sender) is carrier-base.ts's, and submits, timers, MO references and the receipt
 * sender's retry and redelivery are the SMPP side's.
 */
import net from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { authenticatorIsmg, authenticatorSource } from '../cmpp/auth.js';
import { encodeConnectResp, type CmppConnect } from '../cmpp/connect.js';
import { LAYOUT, VERSION_OCTET, type CmppVersion } from '../cmpp/constants.js';
import type { CmppSubmit } from '../cmpp/submit.js';
import { CarrierBase, MO_ANSWER_TIMEOUT_MS, type SimContext } from './carrier-base.js';
import { CmppConnection, type CmppConnectionHost } from './cmpp-connection.js';
import { moFrame, reportFrame } from './cmpp-deliver.js';
import type { CmppIdSource } from './cmpp-ids.js';
import { handleCmppSubmit, type CmppSubmitHost } from './cmpp-submit.js';
import { cmppMoParts } from './cmpp-text.js';
import type { ReceiptJob } from './receipts.js';
import type { SimBehaviours, SimCarrierOptions } from './types.js';
import { maskNumber } from './wire.js';

export type CmppContext = SimContext & { cmppIds: CmppIdSource };

/** CMPP_CONNECT_RESP Status values the simulated ISMG answers with. */
export const ConnectStatus = { OK: 0, BAD_SOURCE: 2, AUTH_FAILED: 3, VERSION_TOO_HIGH: 4, OTHER: 5 } as const;

export class CmppCarrier extends CarrierBase<CmppConnection> implements CmppConnectionHost, CmppSubmitHost {
  readonly version: CmppVersion;
  protected readonly server: net.Server;
  private reportSeq = 0;

  constructor(opts: SimCarrierOptions, private readonly cmppCtx: CmppContext) {
    super(opts, cmppCtx, { protocol: `cmpp ${opts.version ?? '2.0'}` }, 'ISMG');
    this.version = opts.version ?? '2.0';
    this.server = net.createServer((socket) => this.accept((id) => new CmppConnection(id, socket, this, this.log)));
  }

  get cmppIds(): CmppIdSource { return this.cmppCtx.cmppIds; }

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

  /** Delivers an MO on the next connected SP link; resolves when every part is answered with Result 0. */
  async sendMo(mo: { from: string; to: string; text: string }): Promise<void> {
    const conn = this.moLink('connected SP');
    const parts = cmppMoParts(mo.text, this.ctx.nextMoRef());
    this.log.info({ from: maskNumber(mo.from), to: maskNumber(mo.to), parts: parts.length }, 'sending MO');
    await Promise.all(parts.map((part) => new Promise<void>((resolve, reject) => {
      const done = CarrierBase.moAnswered(resolve, reject, (r) => `MO DELIVER answered with Result ${r}`);
      conn.request((seq) => moFrame(this.version, seq, this.cmppIds.take(), mo, part), MO_ANSWER_TIMEOUT_MS, done);
    })));
  }
}
