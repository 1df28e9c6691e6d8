import t from 'tap';
import smpp from 'smpp';
import { encodeSubmitSmBody, type SubmitSmFields } from '../../src/smpp/submit-encoder.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const PDU = (smpp as any).PDU;

const TLV_NAMES: Record<number, string> = {
  0x020c: 'sar_msg_ref_num',
  0x020e: 'sar_total_segments',
  0x020f: 'sar_segment_seqnum',
  0x0424: 'message_payload',
};

/** The same submit_sm through the smpp package, octets passed as Buffers so it cannot re-encode them. */
function reference(f: SubmitSmFields, udhLength = 0): Buffer {
  const sm = Buffer.from(f.shortMessage);
  const opts: Record<string, unknown> = {
    service_type: f.serviceType ?? '',
    source_addr_ton: f.sourceTon,
    source_addr_npi: f.sourceNpi,
    source_addr: f.source,
    dest_addr_ton: f.destTon,
    dest_addr_npi: f.destNpi,
    destination_addr: f.dest,
    esm_class: f.esmClass,
    protocol_id: f.protocolId ?? 0,
    priority_flag: f.priorityFlag ?? 0,
    schedule_delivery_time: f.scheduleDeliveryTime ?? '',
    validity_period: f.validityPeriod ?? '',
    registered_delivery: f.registeredDelivery,
    replace_if_present_flag: f.replaceIfPresent ?? 0,
    data_coding: f.dataCoding,
    sm_default_msg_id: f.smDefaultMsgId ?? 0,
    short_message: udhLength > 0 ? { udh: sm.subarray(0, udhLength), message: sm.subarray(udhLength) } : sm,
  };
  for (const tlv of f.tlvs ?? []) {
    const name = TLV_NAMES[tlv.tag];
    const v = Buffer.from(tlv.value);
    opts[name] = tlv.tag === 0x0424 ? v : v.length === 1 ? v[0] : v.readUInt16BE(0);
  }
  return new PDU('submit_sm', opts).toBuffer().subarray(16);
}

const base: SubmitSmFields = {
  sourceTon: 5,
  sourceNpi: 0,
  source: '10690000',
  destTon: 1,
  destNpi: 1,
  dest: '8613800138000',
  esmClass: 0,
  registeredDelivery: 1,
  dataCoding: 0,
  shortMessage: Buffer.from('Hello world', 'latin1'),
};

const udh8 = [0x05, 0x00, 0x03, 0x2a, 0x02, 0x01];
const udh16 = [0x06, 0x08, 0x04, 0x12, 0x34, 0x03, 0x02];
const ucs2 = Buffer.from('你好，世界', 'utf16le').swap16();
const cases: { name: string; f: SubmitSmFields; udh?: number }[] = [
  { name: 'a GSM text with defaults', f: base },
  { name: 'a UCS2 text', f: { ...base, dataCoding: 8, shortMessage: ucs2 } },
  { name: 'an 8-bit-reference UDH part', f: { ...base, esmClass: 0x40, shortMessage: Buffer.from([...udh8, ...Buffer.alloc(153, 0x41)]) }, udh: 6 },
  { name: 'a 16-bit-reference UDH UCS2 part', f: { ...base, esmClass: 0x40, dataCoding: 8, shortMessage: Buffer.from([...udh16, ...ucs2]) }, udh: 7 },
  {
    name: 'SAR TLVs',
    f: {
      ...base,
      tlvs: [
        { tag: 0x020c, value: Uint8Array.of(0xab, 0xcd) },
        { tag: 0x020e, value: Uint8Array.of(3) },
        { tag: 0x020f, value: Uint8Array.of(2) },
      ],
    },
  },
  {
    name: 'a message_payload with an empty short_message',
    f: { ...base, dataCoding: 8, shortMessage: new Uint8Array(0), tlvs: [{ tag: 0x0424, value: Buffer.concat([ucs2, ucs2, ucs2, ucs2, ucs2, ucs2, ucs2, ucs2, ucs2, ucs2, ucs2, ucs2, ucs2, ucs2, ucs2]) }] },
  },
  {
    name: 'every optional field set',
    f: {
      ...base,
      serviceType: 'CMT',
      protocolId: 0x3f,
      priorityFlag: 3,
      scheduleDeliveryTime: '261124093000000+',
      validityPeriod: '261124103000000+',
      replaceIfPresent: 1,
      smDefaultMsgId: 7,
      source: 'ACME',
      sourceTon: 5,
      sourceNpi: 0,
    },
  },
  { name: 'an empty source and a 254-octet short_message', f: { ...base, source: '', shortMessage: Buffer.alloc(254, 0x20) } },
];

for (const c of cases) {
  t.test(`the body of ${c.name} equals the smpp package's octet for octet`, async (t) => {
    const ours = encodeSubmitSmBody(c.f);
    const theirs = reference(c.f, c.udh ?? 0);
    t.equal(ours.toString('hex'), theirs.toString('hex'));
  });
}

t.test('a short_message over 254 octets is refused, not truncated', async (t) => {
  t.throws(() => encodeSubmitSmBody({ ...base, shortMessage: new Uint8Array(255) }), RangeError);
});

t.test('an address over 20 characters is refused', async (t) => {
  t.throws(() => encodeSubmitSmBody({ ...base, dest: '1'.repeat(21) }), RangeError);
});

t.test('a GSM body has the exact golden octets', async (t) => {
  const body = encodeSubmitSmBody({ ...base, shortMessage: Uint8Array.of(0x48, 0x69) });
  t.equal(body.toString('hex'), '00' + '0500' + Buffer.from('10690000\0').toString('hex') + '0101' + Buffer.from('8613800138000\0').toString('hex') + '000000' + '00' + '00' + '01000000' + '02' + '4869');
});
