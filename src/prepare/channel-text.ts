/**
 * How each channel of a carrier writes a message's part bodies, derived once from the config: the SMPP
 * fields (TON/NPI, data coding, registered_delivery, concatenation) or the CMPP_SUBMIT fields. Channels
 * that would write the same bodies share one body set, so a job stores them once.
 */
import type { CarrierConfig, ChannelConfig, ConcatMode } from '../config/types.js';
import type { BodyForm } from '../types.js';

export interface SmppText {
  protocol: 'smpp';
  sourceTon: number;
  sourceNpi: number;
  destTon: number;
  destNpi: number;
  registeredDelivery: number;
  dataCodingGsm: number;
  dataCodingUcs2: number;
  concat: ConcatMode;
}

export interface CmppText {
  protocol: 'cmpp';
  version: '2.0' | '3.0';
  msgSrc: string; // the channel's systemId (the SP's enterprise code)
  registeredDelivery: 0 | 1;
  spNumber: string;
  serviceId: string;
  feeUserType: number;
  feeTerminalId: string;
  feeType: string;
  feeCode: string;
  msgLevel: number;
  tpPid: number;
  linkId: string;
}

export type ChannelText = SmppText | CmppText;

/** Channels that write the same bodies, and how they write them. */
export interface BodySet {
  channels: string[];
  form: BodyForm;
  text: ChannelText;
}

/** SMPP registered_delivery bits 0-1 ask for a receipt (on final state, or on failure). */
const RECEIPT_BITS = 0x03;

/**
 * `payload` needs one part on the wire: kept only when every channel of the carrier sends that way,
 * since a message must have the same part count on each. Otherwise the channel cuts with an 8-bit UDH.
 */
function channelText(ch: ChannelConfig, allPayload: boolean): ChannelText {
  if (ch.protocol === 'cmpp') {
    const o = ch.cmpp;
    if (o === undefined) throw new Error(`channel ${ch.name} speaks CMPP but has no cmpp options`);
    return {
      protocol: 'cmpp', version: o.version, msgSrc: ch.systemId,
      registeredDelivery: (ch.registeredDelivery & RECEIPT_BITS) !== 0 ? 1 : 0,
      spNumber: o.spNumber, serviceId: o.serviceId, feeUserType: o.feeUserType, feeTerminalId: o.feeTerminalId,
      feeType: o.feeType, feeCode: o.feeCode, msgLevel: o.msgLevel, tpPid: o.tpPid, linkId: o.linkId,
    };
  }
  return {
    protocol: 'smpp', sourceTon: ch.sourceTon, sourceNpi: ch.sourceNpi, destTon: ch.destTon, destNpi: ch.destNpi,
    registeredDelivery: ch.registeredDelivery, dataCodingGsm: ch.dataCodingGsm, dataCodingUcs2: ch.dataCodingUcs2,
    concat: ch.concat === 'payload' && !allPayload ? 'udh8' : ch.concat,
  };
}

function formOf(t: ChannelText): BodyForm {
  return t.protocol === 'smpp' ? 0x34 : t.version === '2.0' ? 0x20 : 0x30;
}

/** The carrier's body sets, in the order of its channels' first appearance (priority order). */
export function bodySets(c: CarrierConfig): BodySet[] {
  const allPayload = c.channels.every((ch) => ch.protocol === 'smpp' && ch.concat === 'payload');
  const byKey = new Map<string, BodySet>();
  for (const ch of c.channels) {
    const text = channelText(ch, allPayload);
    const key = JSON.stringify(text);
    const set = byKey.get(key);
    if (set) set.channels.push(ch.name);
    else byKey.set(key, { channels: [ch.name], form: formOf(text), text });
  }
  return [...byKey.values()];
}

/**
 * A carrier whose only channel is SMPP and named as the carrier stores its bodies untagged, byte for
 * byte as before carriers had channels (src/store/bodies.ts): jobs queued by either version send.
 */
export function untaggedSmpp(c: CarrierConfig, sets: readonly BodySet[]): SmppText | null {
  const only = c.channels.length === 1 ? c.channels[0]! : undefined;
  const text = sets[0]?.text;
  return only !== undefined && only.protocol === 'smpp' && only.name === c.name && text?.protocol === 'smpp' ? text : null;
}
