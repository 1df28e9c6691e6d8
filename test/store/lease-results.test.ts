import t from 'tap';
import { readRecover, readRenew } from '../../src/store/lease-results.js';

t.test('a recover reply is read into named fields, with the join state at start', async (t) => {
  t.same(readRecover([2, 1, 0, 1, 0, 7, 1, 0, ''], 'start'),
    { kind: 'recovered', requeued: 2, unknown: 1, resent: 0, peers: 1, join: { gen: 7, livePeers: 1, left: false } });
  t.same(readRecover([0, 0, 1, 1, 0, ''], 'peers'), { kind: 'recovered', requeued: 0, unknown: 0, resent: 1, peers: 1 });
});

t.test('its status codes become kinds: -1 not held, -2 an older daemon by name, -3 held elsewhere until when', async (t) => {
  t.same(readRecover([0, 0, 0, 0, -1], 'peers'), { kind: 'not-held' });
  t.same(readRecover([0, 0, 0, 0, -2, 'old'], 'start'), { kind: 'older-daemon', daemon: 'old' });
  t.same(readRecover([0, 0, 0, 0, -3, 1_700_000_000_000], 'start'), { kind: 'held-elsewhere', expiryMs: 1_700_000_000_000 });
});

t.test('a renewal is held with the daemons\' counts, or not held when the script answers 0', async (t) => {
  t.same(readRenew([3, 9, 1]), { held: true, liveDaemons: 3, gen: 9, behind: 1 });
  t.same(readRenew(0), { held: false });
});
