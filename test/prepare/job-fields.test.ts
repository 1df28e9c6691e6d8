import t from 'tap';
import { isFieldError, parseJob, type FieldError, type ValidJob } from '../../src/prepare/job-fields.js';

const NOW = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const bounds = { now: NOW, maxAheadMs: 30 * DAY };
const parse = (j: unknown): ValidJob | FieldError => parseJob(typeof j === 'string' ? j : JSON.stringify(j), '1-0', bounds);
const refused = (j: unknown): FieldError => {
  const r = parse(j);
  if (!isFieldError(r)) throw new Error(`accepted: ${JSON.stringify(j)}`);
  return r;
};
const good = { to: '13800138000', text: 'hi' };

t.test('an unknown field is refused BAD_FIELD naming it, keeping id and meta', async (t) => {
  for (const name of ['send_at', 'Class', 'sendat', '__proto__', 'x'.repeat(300)]) {
    const r = refused(`{"to":"13800138000","text":"hi","id":"u1","meta":{"k":1},${JSON.stringify(name)}:1}`);
    t.equal(r.code, 'BAD_FIELD', name.slice(0, 20));
    t.equal(r.error, `unknown field ${JSON.stringify(name.slice(0, 64))}`);
    t.same([r.id, r.meta], ['u1', '{"k":1}']);
  }
  t.notOk(isFieldError(parse({ ...good, id: 'a', from: 'x', class: 'otp', sendAt: NOW, expiresAt: NOW + 1, dedupKey: 'k',
    tz: 'Asia/Shanghai', quietHours: 'ignore', resend: true, meta: {} })), 'every documented field is accepted');
});

t.test('meta is kept as the app wrote it, and bounded in size and depth', async (t) => {
  const text = '{ "list" : [], "big": 12345678901234567890, "x": 1.0e400 }';
  t.equal((parse(`{"to":"13800138000","meta":${text},"text":"hi"}`) as ValidJob).meta, text);
  const nest = (levels: number): string => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
  t.equal((parse(`{"to":"13800138000","text":"hi","meta":${nest(16)}}`) as ValidJob).meta, nest(16), '16 levels pass');
  t.equal(refused(`{"to":"13800138000","text":"hi","meta":${nest(17)}}`).error, 'meta must nest at most 16 levels deep');
  const deep = refused(`{"to":"13800138000","text":"hi","meta":{"a":${'['.repeat(1000)}${']'.repeat(1000)}}}`);
  t.same([deep.code, deep.meta], ['BAD_FIELD', undefined], '1,001 levels: refused, and not echoed');
  t.equal(refused({ ...good, meta: { s: 'x'.repeat(4090) } }).error, 'meta must be at most 4096 bytes of JSON');
  t.equal(refused({ ...good, meta: [] }).error, 'meta must be an object');
});

t.test('sendAt at most queue.maxScheduleDays ahead, expiresAt at most that after the send time', async (t) => {
  t.equal((parse({ ...good, sendAt: NOW + 30 * DAY }) as ValidJob).sendAt, NOW + 30 * DAY);
  t.equal(refused({ ...good, sendAt: NOW + 30 * DAY + 1 }).error, 'sendAt must be at most 30 days ahead');
  t.equal(refused({ ...good, sendAt: '9999-12-31T00:00:00Z' }).code, 'BAD_FIELD');
  t.equal(refused({ ...good, sendAt: 1e300 }).code, 'BAD_FIELD', 'beyond safe integers');
  t.equal(refused({ ...good, sendAt: '1' + '0'.repeat(400) }).code, 'BAD_FIELD', 'digits beyond any number');
  t.notOk(isFieldError(parse({ ...good, sendAt: NOW + 20 * DAY, expiresAt: NOW + 50 * DAY })));
  t.equal(refused({ ...good, sendAt: NOW + 20 * DAY, expiresAt: NOW + 50 * DAY + 1 }).error,
    'expiresAt must be at most 30 days after the send time');
  t.equal(refused({ ...good, expiresAt: '9999-01-01' }).code, 'BAD_FIELD');
});

t.test('a time zone name is bounded before it is looked up', async (t) => {
  t.equal(refused({ ...good, tz: 'Asia/' + 'x'.repeat(100_000) }).error, 'tz must be an IANA time zone');
});
