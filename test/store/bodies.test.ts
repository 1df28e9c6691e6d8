import t from 'tap';
import { packBodies, packChannelBodies, preparedParts, storedBodies, unpackBodies } from '../../src/store/bodies.js';
import type { Claimed } from '../../src/store/queue-store.js';
import type { Config } from '../../src/config/types.js';
import type { Prepared, PreparedOk } from '../../src/types.js';
import { ConcatRefs } from '../../src/text/concat-ref.js';
import { buildPrepareContext, prepareJob } from '../../src/prepare/prepare.js';
import { startStore } from '../helpers/store.js';
import { testConfig } from '../helpers/test-config.js';
import { twoChannelCarrier } from '../helpers/two-channels.js';

const { redis, store } = await startStore(t, { prefix: 'bd:' });
await store.recover('d1', 'tok', 'start');

const twoChannels = testConfig({ carriers: [twoChannelCarrier()], routing: { countryCode: '86', default: 'cmcc' } });
function prepare(cfg: Config, id: string, text: string): PreparedOk & { entryId: string } {
  const p: Prepared = prepareJob({ entryId: `${id.length}-0`, payload: JSON.stringify({ id, to: '13800138000', text }) },
    buildPrepareContext(cfg, new ConcatRefs({ random: () => 0.5 })), Date.now());
  if (!p.ok) throw new Error(`rejected ${p.code}`);
  return { ...p, entryId: `${id.length}-0` };
}
const hex = (u: readonly Uint8Array[] | null): string[] | null => u?.map((b) => Buffer.from(b).toString('hex')) ?? null;
const CMPP = { name: 'cmcc-cmpp', protocol: 'cmpp' } as const;
const SMPP = { name: 'cmcc-smpp', protocol: 'smpp' } as const;

t.test('an SMPP-only carrier\'s stored value is byte for byte the untagged one, for one part and for several', async (t) => {
  for (const [text, n] of [['hi', 1], ['中'.repeat(100), 2]] as const) {
    const p = prepare(testConfig(), `s${n}`, text);
    t.equal(p.channels, undefined);
    t.equal(preparedParts(p), n);
    t.ok(packChannelBodies(p).equals(packBodies(p.parts)), `${n} part(s): the same octets as packBodies`);
  }
});

t.test('a two-channel carrier\'s bodies round-trip through ingest and claim in Redis, each channel getting its own', async (t) => {
  const p = prepare(twoChannels, 'two', '中'.repeat(100));
  t.equal(preparedParts(p), 2);
  t.same(await store.ingest([p]), ['queued']);
  const entry = await redis.lindexBuffer(store.keys.lane('cmcc', 'transactional'), 0);
  t.equal(entry!.subarray(4, 6).toString('hex'), 'ffff', 'the lane entry holds a tagged value');
  const claimed = (await store.claim('d1', 'tok', 'cmcc', 10)) as Claimed[];
  t.same(claimed.map((c) => [c.id, c.bodies.parts]), [['two', 2]]);
  const b = claimed[0]!.bodies;
  t.same(hex(b.forChannel(CMPP)), hex(p.parts.slice(0, 2)), 'the CMPP channel: its CMPP_SUBMIT bodies');
  t.same(hex(b.forChannel(SMPP)), hex(p.parts.slice(2, 4)), 'the SMPP channel: its submit_sm bodies');
  t.equal(b.forChannel({ name: 'cmcc', protocol: 'smpp' }), null, 'a channel it was not prepared for: null');
  t.equal(b.forChannel({ name: 'cmcc-cmpp', protocol: 'smpp' }), null, 'the right name speaking another protocol: null');
  await store.settle('d1', [{ act: 'fail', id: 'two', code: 'X', error: 'x' }]);
});

t.test('channels that share a body set each get it; an untagged value serves any SMPP channel and no CMPP one', async (t) => {
  const c = twoChannelCarrier();
  c.channels.push({ ...c.channels[1]!, name: 'cmcc-smpp2', priority: 3 });
  const p = prepare(testConfig({ carriers: [c], routing: { countryCode: '86', default: 'cmcc' } }), 'three', 'hi');
  const b = storedBodies(packChannelBodies(p), 1);
  t.same(hex(b.forChannel({ name: 'cmcc-smpp2', protocol: 'smpp' })), hex(b.forChannel(SMPP)));
  t.not(b.forChannel(SMPP), null);
  const old = storedBodies(packBodies([Buffer.from('00aa', 'hex'), Buffer.from('00bb', 'hex')]), 2);
  t.same(hex(old.forChannel({ name: 'anything', protocol: 'smpp' })), ['00aa', '00bb']);
  t.equal(old.forChannel(CMPP), null);
});

t.test('no untagged value reads as tagged: a one-part body starts with service_type, a part length stays below 0xFFFF', async (t) => {
  const one = prepare(testConfig(), 'u1', 'hi').parts;
  t.equal(one[0]![0], 0, 'service_type empty: its NUL');
  const big = Buffer.alloc(0xfff0, 0x41);
  const v = packBodies([big, Buffer.from('01', 'hex')]);
  t.same(storedBodies(v, 2).forChannel(SMPP)!.map((x) => x.length), [0xfff0, 1], 'the largest body a PDU can carry still reads untagged');
  t.same(unpackBodies(v, 2).map((x) => x.length), [0xfff0, 1]);
});

t.test('a tagged value cut short gives no channel any bodies', async (t) => {
  const v = packChannelBodies(prepare(twoChannels, 'cut', 'hi'));
  const b = storedBodies(v.subarray(0, v.length - 3), 1);
  t.equal(b.forChannel(CMPP), null);
  t.equal(b.forChannel(SMPP), null);
});
