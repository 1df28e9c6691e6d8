/**
 * One simulated carrier: an SMSC on its own port, built on the `smpp` package's server side.
 * Binds, submits and MOs go through here; the bookkeeping both protocols keep is carrier-base.ts's.
 */
import smpp, { type Server, type Session } from 'smpp';
import { CarrierBase, MO_ANSWER_TIMEOUT_MS, type SimContext } from './carrier-base.js';
import { SimConnection, type BindKind, type ConnectionHost } from './connection.js';
import type { IdSource } from './ids.js';
import { truncateSm } from './hostile.js';
import { moParts } from './mo-parts.js';
import { Status } from '../smpp/pdu-header.js';
import { handleSubmit, type SubmitHost } from './submit.js';
import type { SimCarrierOptions } from './types.js';
import { maskNumber } from './wire.js';

export class SimCarrier extends CarrierBase<SimConnection> implements ConnectionHost, SubmitHost {
  protected readonly server: Server;

  constructor(opts: SimCarrierOptions, ctx: SimContext) {
    super(opts, ctx, {}, 'SMSC');
    this.server = smpp.createServer((session: Session) => {
      // Our own framing reads the socket; the package's reader would decode text by guess.
      session.socket.removeAllListeners('readable');
      session.on('error', () => undefined); // socket errors are handled by SimConnection
      this.accept((id) => new SimConnection(id, session.socket, this, this.log));
    });
  }

  get ids(): IdSource {
    return this.ctx.ids;
  }

  bind(conn: SimConnection, kind: BindKind, systemId: string, password: string): number {
    this.bindAttempts++;
    let status: number = Status.ESME_ROK;
    if (this.bindAttempts <= (this.behaviours.refuseBinds ?? 0)) status = Status.ESME_RBINDFAIL;
    else if ((this.opts.systemId !== undefined && systemId !== this.opts.systemId) || (this.opts.password !== undefined && password !== this.opts.password)) {
      status = Status.ESME_RINVPASWD;
    }
    if (status === Status.ESME_ROK) this.stats.binds++;
    else this.stats.bindsRefused++;
    this.log.info({ conn: conn.id, kind, systemId, status }, status === Status.ESME_ROK ? 'bind accepted' : 'bind refused');
    return status;
  }

  bound(): void {
    this.receipts.flush();
  }

  submit(conn: SimConnection, pdu: Buffer): void {
    handleSubmit(this, conn, pdu);
  }

  /** Delivers an MO on the next bound receiver; resolves when every part is acknowledged. */
  async sendMo(mo: { from: string; to: string; text: string }): Promise<void> {
    const conn = this.moLink('bound receiver');
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
            const done = CarrierBase.moAnswered(resolve, reject, (s) => `MO deliver_sm answered with status 0x${s.toString(16)}`);
            conn.request('deliver_sm', fields, MO_ANSWER_TIMEOUT_MS, done, this.behaviours.moTruncated ? truncateSm : undefined);
          }),
      ),
    );
  }
}
