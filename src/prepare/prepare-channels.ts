/**
 * A job prepared for every channel of its carrier (docs/CHANNELS.md, "Preparing for several channels"):
 * one cut of the text for all of them (text/cut.ts), then each body set's part bodies, SMPP submit_sm or
 * CMPP_SUBMIT, written set after set. Carriers with one SMPP channel named as themselves never come here.
 */
import { submitBody } from '../cmpp/submit.js';
import { MsgFmt } from '../cmpp/constants.js';
import { MSG_ID_BYTES } from '../cmpp/msg-id.js';
import { encodeSubmitSmBody } from '../smpp/submit-encoder.js';
import { cutText, isAscii, type Budget, type TextEncoding } from '../text/cut.js';
import { gsmEncode, isGsm } from '../text/gsm.js';
import { ucs2Encode } from '../text/ucs2.js';
import { concatParts, refBits, smppBudget, type Alphabet } from '../text/segment.js';
import type { ConcatRefs } from '../text/concat-ref.js';
import type { PreparedChannels } from '../types.js';
import type { BodySet, CmppText, SmppText } from './channel-text.js';
import type { CarrierTextOptions } from './prepare-context.js';

/** CMPP: 140 octets for one SMS, 134 behind the 6-octet UDH of a part of several. */
const CMPP_BUDGET = { single: 140, perPart: 134 } as const;
const ZERO_MSG_ID = Buffer.alloc(MSG_ID_BYTES);
/** Src_Id is 21 octets: the service number and the extension together. */
const SRC_ID_OCTETS = 21;

/** Where the parts of a text begin and end, the same on every channel, and the encodings it takes. */
export interface ChannelCut {
  bounds: number[];
  smpp: Alphabet;
  cmpp: 'ascii' | 'ucs2';
  /** The concatenation reference of a message of several parts (16 bits when any channel writes 16). */
  ref: number;
  /** Every channel is SMPP with message_payload: one part on the wire, the SMSC splits it. */
  payload: boolean;
}

/** What a part body carries besides its text. */
export interface PartFields {
  /** The job's own `from`: a CMPP extension when all digits. */
  jobFrom: string | undefined;
  /** The SMPP source_addr (the job's `from` or the default). */
  from: string;
  /** E.164 with '+'. */
  to: string;
  validityPeriod: string; // '' or SMPP absolute time
  atTime: string; // '' or SMPP absolute time: a send time still ahead
}

export function cutForChannels(text: string, o: CarrierTextOptions, refs: ConcatRefs, dest: string): ChannelCut | 'TOO_MANY_PARTS' {
  const smpp: Alphabet = isGsm(text) ? 'gsm' : 'ucs2';
  const cmpp = isAscii(text) ? 'ascii' : 'ucs2';
  const budgets: Budget[] = o.sets.map((s) => (s.text.protocol === 'smpp'
    ? { encoding: smpp, ...smppBudget(smpp, s.text.concat) }
    : { encoding: cmpp, ...CMPP_BUDGET }));
  const bounds = cutText(text, budgets, o.signatureReserve, o.maxParts);
  if (bounds === 'TOO_MANY_PARTS') return bounds;
  const payload = o.sets.every((s) => s.text.protocol === 'smpp' && s.text.concat === 'payload');
  let bits = 0;
  for (const s of o.sets) bits = Math.max(bits, s.text.protocol === 'smpp' ? refBits(s.text.concat) : 8);
  const ref = bounds.length > 2 && !payload ? refs.next(dest, bits === 16 ? 16 : 8) : 0;
  return { bounds, smpp, cmpp, ref, payload };
}

function encode(encoding: TextEncoding, text: string): Uint8Array {
  if (encoding === 'gsm') return gsmEncode(text)!;
  return encoding === 'ascii' ? Buffer.from(text, 'latin1') : ucs2Encode(text);
}

/** Each body set's part bodies, set after set, and the channels of each run (PreparedOk). */
export function encodeForChannels(text: string, cut: ChannelCut, sets: readonly BodySet[], f: PartFields): { parts: Uint8Array[]; channels: PreparedChannels[] } {
  const chunksBy = new Map<TextEncoding, Uint8Array[]>();
  const chunks = (encoding: TextEncoding): Uint8Array[] => {
    let c = chunksBy.get(encoding);
    if (c === undefined) {
      c = [];
      for (let i = 0; i + 1 < cut.bounds.length; i++) c.push(encode(encoding, text.slice(cut.bounds[i], cut.bounds[i + 1])));
      chunksBy.set(encoding, c);
    }
    return c;
  };
  const parts: Uint8Array[] = [];
  const channels: PreparedChannels[] = [];
  for (const s of sets) {
    if (s.text.protocol === 'smpp') smppParts(s.text, cut, text, chunks(cut.smpp), f, parts);
    else cmppParts(s.text, cut, chunks(cut.cmpp), f, parts);
    channels.push({ names: s.channels, form: s.form });
  }
  return { parts, channels };
}

function smppParts(t: SmppText, cut: ChannelCut, text: string, chunks: Uint8Array[], f: PartFields, out: Uint8Array[]): void {
  const seg = chunks.length === 1 ? { esmClass: 0, parts: [{ shortMessage: chunks[0]! }] }
    : concatParts(chunks, cut.payload ? encode(cut.smpp, text) : new Uint8Array(0), t.concat, refBits(t.concat) === 8 ? cut.ref & 0xff : cut.ref);
  const dataCoding = cut.smpp === 'gsm' ? t.dataCodingGsm : t.dataCodingUcs2;
  for (const p of seg.parts) {
    out.push(encodeSubmitSmBody({
      sourceTon: t.sourceTon, sourceNpi: t.sourceNpi, source: f.from, destTon: t.destTon, destNpi: t.destNpi,
      dest: f.to.slice(1), esmClass: seg.esmClass, validityPeriod: f.validityPeriod,
      registeredDelivery: t.registeredDelivery, dataCoding, shortMessage: p.shortMessage, ...(p.tlvs ? { tlvs: p.tlvs } : {}),
    }));
  }
}

/**
 * Src_Id: the service number, then the job's `from` as an extension when it is all digits (taken whole
 * when it already starts with the service number), cut to 21 octets.
 */
export function cmppSrcId(spNumber: string, jobFrom: string | undefined): string {
  if (jobFrom === undefined || !/^\d+$/.test(jobFrom)) return spNumber;
  return (jobFrom.startsWith(spNumber) ? jobFrom : spNumber + jobFrom).slice(0, SRC_ID_OCTETS);
}

/** Dest_terminal_Id as CMPP gateways take it: a Chinese number without 86, any other in E.164 digits. */
export function cmppDest(to: string): string {
  return to.startsWith('+86') ? to.slice(3) : to.slice(1);
}

function cmppParts(t: CmppText, cut: ChannelCut, chunks: Uint8Array[], f: PartFields, out: Uint8Array[]): void {
  const n = chunks.length;
  const srcId = cmppSrcId(t.spNumber, f.jobFrom);
  const dest = cmppDest(f.to);
  for (let i = 0; i < n; i++) {
    const c = chunks[i]!;
    let content = c;
    if (n > 1) {
      content = new Uint8Array(6 + c.length);
      content.set([0x05, 0x00, 0x03, cut.ref & 0xff, n, i + 1], 0);
      content.set(c, 6);
    }
    out.push(submitBody(t.version, {
      msgId: ZERO_MSG_ID, pkTotal: n, pkNumber: i + 1, registeredDelivery: t.registeredDelivery, msgLevel: t.msgLevel,
      serviceId: t.serviceId, feeUserType: t.feeUserType, feeTerminalId: t.feeTerminalId, feeTerminalType: 0,
      tpPid: t.tpPid, tpUdhi: n > 1 ? 1 : 0, msgFmt: cut.cmpp === 'ascii' ? MsgFmt.ascii : MsgFmt.ucs2, msgSrc: t.msgSrc,
      feeType: t.feeType, feeCode: t.feeCode, validTime: f.validityPeriod, atTime: f.atTime, srcId,
      destTerminalIds: [dest], destTerminalType: 0, content, linkId: t.linkId,
    }));
  }
}
