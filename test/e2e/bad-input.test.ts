/**
 * Bad input never crashes the daemon and never goes silent: every bad job ends `rejected` with its
 * stable code, the next good job goes through; every bad config file refuses to
 * start with the field's dotted path and a clear message, exit 78.
 */
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runDaemon } from '../../src/commands/run.js';
import type { Io } from '../../src/commands/io.js';
import { type Ev, readEvents, spawnSmppd, waitForEvents } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';

const { srv, sim, redis, daemon } = await startStack(t, {
  carriers: ['cmcc'],
  // No default route: a foreign number has nowhere to go.
  extra: { routing: { countryCode: '86', default: null } },
  readyTimeoutMs: 30_000,
});

const good = { to: '13800138000', text: 'good' };
const hourAgo = Date.now() - 3_600_000;
/** [name, raw `job` field (or null: an entry without one), expected final state, expected code]. */
const BAD: [string, string | null, string, string][] = [
  ['not JSON', '{not json', 'rejected', 'BAD_JSON'],
  ['truncated JSON', '{"to":"13800138000","text":"x"', 'rejected', 'BAD_JSON'],
  ['an empty payload', '', 'rejected', 'BAD_JSON'],
  ['no job field at all', null, 'rejected', 'BAD_JSON'],
  ['a JSON array', '[1,2,3]', 'rejected', 'BAD_FIELD'],
  ['a JSON string', '"hello"', 'rejected', 'BAD_FIELD'],
  ['JSON null', 'null', 'rejected', 'BAD_FIELD'],
  ['missing to', JSON.stringify({ text: 'x' }), 'rejected', 'BAD_FIELD'],
  ['missing text', JSON.stringify({ to: '13800138000' }), 'rejected', 'BAD_FIELD'],
  ['empty text', JSON.stringify({ to: '13800138000', text: '' }), 'rejected', 'EMPTY_TEXT'],
  ['to as a number', JSON.stringify({ to: 13800138000, text: 'x' }), 'rejected', 'BAD_FIELD'],
  ['text as an object', JSON.stringify({ to: '13800138000', text: { a: 1 } }), 'rejected', 'BAD_FIELD'],
  ['meta as a string', JSON.stringify({ ...good, meta: 'x' }), 'rejected', 'BAD_FIELD'],
  ['resend as a string', JSON.stringify({ ...good, resend: 'yes' }), 'rejected', 'BAD_FIELD'],
  ['sendAt not a date', JSON.stringify({ ...good, sendAt: 'tomorrow-ish' }), 'rejected', 'BAD_FIELD'],
  ['an id with spaces', JSON.stringify({ ...good, id: 'a b c' }), 'rejected', 'BAD_FIELD'],
  ['a control character in the id', JSON.stringify({ ...good, id: 'line\nbreak' }), 'rejected', 'BAD_FIELD'],
  ['an id of 200 characters', JSON.stringify({ ...good, id: 'i'.repeat(200) }), 'rejected', 'BAD_FIELD'],
  ['an unknown class', JSON.stringify({ ...good, class: 'vip' }), 'rejected', 'BAD_FIELD'],
  ['an unknown time zone', JSON.stringify({ ...good, tz: 'Mars/Olympus' }), 'rejected', 'BAD_FIELD'],
  ['a huge text (100 000 characters)', JSON.stringify({ to: '13800138000', text: 'x'.repeat(100_000) }), 'rejected', 'TOO_MANY_PARTS'],
  ['a number too short', JSON.stringify({ to: '12', text: 'x' }), 'rejected', 'BAD_NUMBER'],
  ['a number with letters', JSON.stringify({ to: '1380013800O', text: 'x' }), 'rejected', 'BAD_NUMBER'],
  ['a number too long', JSON.stringify({ to: '+8613800138000123456789', text: 'x' }), 'rejected', 'BAD_NUMBER'],
  ['a control character in the number', JSON.stringify({ to: '1380013\u00008000', text: 'x' }), 'rejected', 'BAD_NUMBER'],
  ['a foreign number with no default route', JSON.stringify({ to: '+447700900123', text: 'x' }), 'rejected', 'UNROUTABLE'],
  ['a Chinese number of no carrier', JSON.stringify({ to: '17000000000', text: 'x' }), 'rejected', 'UNROUTABLE'],
  ['an expiry in the past', JSON.stringify({ ...good, expiresAt: hourAgo }), 'rejected', 'EXPIRED'],
  ['an unknown field send_at', JSON.stringify({ ...good, send_at: Date.now() + 3_600_000 }), 'rejected', 'BAD_FIELD'],
  ['an unknown field Class', JSON.stringify({ ...good, Class: 'marketing' }), 'rejected', 'BAD_FIELD'],
  ['a sendAt in the year 9999', JSON.stringify({ ...good, sendAt: '9999-12-31T00:00:00Z' }), 'rejected', 'BAD_FIELD'],
  ['meta nested 1,001 levels', `{"to":"13800138000","text":"x","meta":{"a":${'['.repeat(1000)}${']'.repeat(1000)}}}`, 'rejected', 'BAD_FIELD'],
  ['meta over 4 KB', JSON.stringify({ ...good, meta: { s: 'x'.repeat(5000) } }), 'rejected', 'BAD_FIELD'],
];

t.test(`${BAD.length} bad jobs each end with their code, the daemon keeps running, the next good job goes through`, async (t) => {
  const entryOf: string[] = [];
  for (const [, raw] of BAD) {
    entryOf.push(raw === null ? (await redis.xadd('smppd:jobs', '*', 'other', 'x'))! : (await redis.xadd('smppd:jobs', '*', 'job', raw))!);
  }
  await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ ...good, id: 'good-after-bad' }));
  const evs = await waitForEvents(redis, (e) => e.some((x) => x.id === 'good-after-bad' && x.state === 'delivered'), 20_000);
  const byEntry = new Map<string, { state: string; code?: string }[]>();
  for (const e of evs) byEntry.set(e.id, [...(byEntry.get(e.id) ?? []), e as { state: string; code?: string }]);
  BAD.forEach(([name, , state, code], i) => {
    const got = byEntry.get(entryOf[i]!) ?? [];
    t.same(got.map((e) => `${e.state} ${e.code}`), [`${state} ${code}`], `${name}: one ${state} event with ${code}`);
  });
  t.equal(daemon.child.exitCode, null, 'the daemon is still running');
  t.equal(await redis.xpending('smppd:jobs', 'smppd').then((p) => Number((p as unknown[])[0])), 0, 'every entry was acknowledged');
  t.notOk(sim.submits.some((s) => s.text !== 'good'), 'nothing bad reached the SMSC');
});

t.test('a reused job id is rejected DUPLICATE_ID under its entry id, and the first job is untouched', async (t) => {
  await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ ...good, id: 'twice', text: 'first of twice' }));
  const second = await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ ...good, id: 'twice', text: 'second of twice', meta: { n: 2 } }));
  const evs = await waitForEvents(redis, (e) => e.some((x) => x.id === 'twice' && x.state === 'delivered')
    && e.some((x) => x.duplicateOf === 'twice'), 20_000);
  const states = evs.filter((e) => e.id === 'twice').map((e) => `${e.state}${e.code ? ` ${e.code}` : ''}`).sort();
  t.same(states, ['delivered', 'submitted'], 'the id keeps exactly one final event');
  const dup = evs.filter((e) => e.duplicateOf === 'twice');
  t.same(dup.map((e) => [e.id, e.state, e.code, e.meta]), [[second, 'rejected', 'DUPLICATE_ID', { n: 2 }]],
    'the refused push gets its own, under its stream entry id, with its meta');
  t.same(sim.submits.filter((s) => s.text.endsWith('of twice')).map((s) => s.text), ['first of twice']);
  t.ok((await readEvents(redis)).length > 0);
});

t.test('a poison job in a batch of good ones: each good job is sent once with its events, the poison one is rejected once', async (t) => {
  // One MULTI: every entry is in the stream before the daemon's read, so they are prepared and ingested together.
  const meta = '{"list":[],"big":12345678901234567890,"huge":1.0e400,"s":"\\u00e9\\""}';
  const m = redis.multi();
  for (let k = 0; k < 22; k++) {
    const poison = k === 8;
    const job = poison
      ? `{"id":"pz-${k}","to":"13800138000","text":"poison","sendAt":${Date.now() + 3_600_000},"meta":{"a":${'['.repeat(1000)}${']'.repeat(1000)}}}`
      : `{"id":"pz-${k}","to":"13800138000","text":"batch ${k}","meta":${meta}}`;
    m.xadd('smppd:jobs', '*', 'job', job);
  }
  m.xadd('smppd:jobs', '*', 'job', `{"id":"pz-sched","to":"13800138000","text":"later","sendAt":${Date.now() + 3_600_000},"meta":${meta}}`);
  m.xadd('smppd:jobs', '*', 'job', `{"id":"pz-bad","to":"12","text":"x","meta":${meta}}`);
  await m.exec();
  const ids = Array.from({ length: 22 }, (_, k) => `pz-${k}`).filter((id) => id !== 'pz-8');
  const done = (e: Ev[]): boolean => ids.every((id) => e.some((x) => x.id === id && x.state === 'delivered'))
    && e.some((x) => x.id === 'pz-8') && e.some((x) => x.id === 'pz-sched') && e.some((x) => x.id === 'pz-bad');
  await waitForEvents(redis, done, 30_000);
  const raw = (await redis.xrange('smppd:events', '-', '+')).map(([, f]) => f[1]!);
  const of = (id: string): string[] => raw.filter((e) => (JSON.parse(e) as Ev).id === id);
  for (const id of ids) {
    t.same(of(id).map((e) => JSON.parse(e).state), ['submitted', 'delivered'], `${id}: submitted, then delivered`);
    t.ok(of(id).every((e) => e.includes(`"meta":${meta}`)), `${id}: meta echoed byte for byte`);
  }
  t.same(of('pz-8').map((e) => `${JSON.parse(e).state} ${JSON.parse(e).code}`), ['rejected BAD_FIELD'], 'the poison job: one rejected event');
  t.same(of('pz-sched').map((e) => JSON.parse(e).state), ['scheduled']);
  t.same(of('pz-bad').map((e) => JSON.parse(e).state), ['rejected']);
  t.ok([...of('pz-sched'), ...of('pz-bad')].every((e) => e.includes(`"meta":${meta}`)), 'scheduled and rejected events echo it too');
  const sent = sim.submits.filter((s) => s.text.startsWith('batch '));
  t.equal(sent.length, 21, 'every good job reached the SMSC');
  t.equal(new Set(sent.map((s) => s.text)).size, 21, 'each once');
  t.notOk(sim.submits.some((s) => s.text === 'poison'));
  t.equal(daemon.child.exitCode, null, 'the daemon is still running');
});

// ---- bad config files: refused with the field's path, exit 78 (in-process, as `smppd run` does it) ----

const dir = mkdtempSync(join(tmpdir(), 'smppd-badcfg-'));
const carrier = { name: 'cmcc', host: '127.0.0.1', port: 2775, systemId: 'x', password: 'pw' };
const BAD_CONFIGS: [string, unknown, RegExp][] = [
  ['port as text', { carriers: [{ ...carrier, port: 'twenty' }] }, /CONFIG_INVALID: carriers\[0\]\.port: must be an integer, got "twenty"/],
  ['port out of range', { carriers: [{ ...carrier, port: 70000 }] }, /CONFIG_INVALID: carriers\[0\]\.port: /],
  ['no carriers', { carriers: [] }, /CONFIG_INVALID: carriers: /],
  ['a carrier without host', { carriers: [{ name: 'cmcc', port: 1, systemId: 'x' }] }, /CONFIG_INVALID: carriers\[0\]\.host: /],
  ['a misspelt carrier key', { carriers: [{ ...carrier, windowsize: 5 }] }, /CONFIG_INVALID: carriers\[0\]\.windowsize: /],
  ['the same carrier twice', { carriers: [carrier, carrier] }, /CONFIG_INVALID: carriers\[1\]\.name: /],
  ['an unknown top-level key', { carriers: [carrier], queu: {} }, /CONFIG_INVALID: queu: /],
  ['a lease too short', { carriers: [carrier], queue: { leaseMs: 10 } }, /CONFIG_INVALID: queue\.leaseMs: /],
  ['a redis URL of the wrong scheme', { carriers: [carrier], redis: { url: 'http://x' } }, /CONFIG_INVALID: redis\.url: /],
  ['quiet hours at 25:00', { carriers: [carrier], care: { quietHours: { start: '25:00' } } }, /CONFIG_INVALID: care\.quietHours\.start: /],
  ['a default route to no carrier', { carriers: [carrier], routing: { default: 'nobody' } }, /CONFIG_INVALID: routing\.default: /],
  ['a log level that does not exist', { carriers: [carrier], log: { level: 'loud' } }, /CONFIG_INVALID: log\.level: /],
  ['a password from an unset variable', { carriers: [{ ...carrier, password: { env: 'SMPPD_TEST_NOT_SET' } }] }, /CONFIG_INVALID: carriers\[0\]\.password: /],
  ['a YAML list instead of a map', ['a', 'b'], /CONFIG_(INVALID|UNREADABLE)/],
  ['broken YAML', 'carriers: [\n  - name: "cmcc\n', /CONFIG_UNREADABLE/],
  ['a file that does not exist', undefined, /CONFIG_UNREADABLE/],
];

t.test(`${BAD_CONFIGS.length} bad config files refuse to start with exit 78 and name what is wrong`, async (t) => {
  for (const [i, [name, body, re]] of BAD_CONFIGS.entries()) {
    const file = join(dir, `bad-${i}.yaml`);
    if (body !== undefined) writeFileSync(file, typeof body === 'string' ? body : stringify(body));
    const err: string[] = [];
    const io: Io = {
      env: { REDIS_URL: srv.url }, out: () => undefined, err: (l) => err.push(l),
      onSignal: () => () => undefined, untilSignal: () => new Promise(() => undefined),
    };
    const code = await runDaemon({ config: file }, io);
    t.equal(code, 78, `${name}: exit 78`);
    t.match(err.join('\n'), re, `${name}: ${err.join(' ').slice(0, 140)}`);
  }
});

t.test('the real process exits 78 on a bad config too, and never prints the password', async (t) => {
  const file = join(dir, 'secret.yaml');
  writeFileSync(file, stringify({ carriers: [{ ...carrier, password: 'hunter2-secret', windowSize: 0 }] }));
  const d = spawnSmppd(['run', '--config', file]);
  t.equal((await d.exited).code, 78);
  t.match(d.output(), /CONFIG_INVALID: carriers\[0\]\.windowSize: /);
  t.notMatch(d.output(), /hunter2-secret/);
});
