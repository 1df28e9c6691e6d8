import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { Keys } from '../../../src/store/keys.js';
import { claimKeys } from '../../../src/store/script-calls/claim.js';
import { dlrSweepKeys } from '../../../src/store/script-calls/dlr-sweep.js';
import { ingestKeys } from '../../../src/store/script-calls/ingest.js';
import { leaseKeys } from '../../../src/store/script-calls/lease.js';
import { moPartKeys } from '../../../src/store/script-calls/mo-part.js';
import { moSweepKeys } from '../../../src/store/script-calls/mo-sweep.js';
import { purgeDeadKeys } from '../../../src/store/script-calls/purge-dead.js';
import { receiptSweepKeys } from '../../../src/store/script-calls/receipt-sweep.js';
import { receiptKeys } from '../../../src/store/script-calls/receipt.js';
import { recoverKeys } from '../../../src/store/script-calls/recover.js';
import { reviveDeadKeys } from '../../../src/store/script-calls/revive-dead.js';
import { settleKeys } from '../../../src/store/script-calls/settle.js';
import { SCRIPTS, type ScriptName } from '../../../src/store/scripts.js';

const k = new Keys('s:');
const part = { carrier: 'cmcc', from: '+8613800138000', to: '10690000', ref: 7, total: 2, seq: 1, text: '' };
/** The KEYS each typed call passes, by name, in the order it passes them. */
const passed: Record<ScriptName, Record<string, string>> = {
  ingest: ingestKeys(k, { stream: k.jobsPriority }),
  claim: claimKeys(k, { daemon: 'd1', carrier: 'cmcc' }),
  settle: settleKeys(k, { daemon: 'd1' }),
  receipt: receiptKeys(k),
  recover: recoverKeys(k, { daemon: 'd1' }),
  lease: leaseKeys(k, { daemon: 'd1' }),
  'receipt-sweep': receiptSweepKeys(k),
  'mo-part': moPartKeys(k, { part }),
  'mo-sweep': moSweepKeys(k),
  'dlr-sweep': dlrSweepKeys(k),
  'revive-dead': reviveDeadKeys(k),
  'purge-dead': purgeDeadKeys(k),
};

const source = (name: string): string => readFileSync(new URL(`../../../src/store/lua/${name}.lua`, import.meta.url), 'utf8');

/** The KEYS a script's header declares: `-- KEYS: 1 name (what it is), 2 name, ...`, continued on indented lines. */
function declared(lua: string, t?: Test): string[] {
  const lines = lua.split('\n');
  const at = lines.findIndex((l) => l.startsWith('-- KEYS:'));
  if (at < 0) return [];
  let text = lines[at]!.slice('-- KEYS:'.length);
  for (let i = at + 1; i < lines.length && /^-- {2,}/.test(lines[i]!); i++) text += ` ${lines[i]!.slice(2)}`;
  const out: string[] = [];
  for (const m of text.replace(/\([^)]*\)/g, '').matchAll(/(\d+) ([\w:]+)/g)) {
    t?.equal(Number(m[1]), out.length + 1, `KEYS are numbered in order: ${m[0]}`);
    out.push(m[2]!);
  }
  return out;
}

t.test('each script\'s header declares the KEYS its typed call passes, by index and name', async (t) => {
  t.same(Object.keys(passed).sort(), [...SCRIPTS].sort(), 'every script has a typed call');
  for (const name of SCRIPTS) t.same(declared(source(name), t), Object.keys(passed[name]), name);
});

t.test('a script reads no KEYS index it does not declare, and every one it declares', async (t) => {
  const common = source('common');
  for (const name of SCRIPTS) {
    const lua = source(name);
    const n = declared(lua).length;
    const used = new Set([...lua.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1])));
    if (/\bemit(_json)?\(|\bfinish\(|trim_events\(|apply_receipt\(/.test(lua)) {
      t.equal(declared(lua)[0], 'events', `${name} writes events: KEYS[1] is the events stream (common.lua)`);
      for (const m of common.matchAll(/KEYS\[(\d+)\]/g)) used.add(Number(m[1]));
    }
    t.same([...used].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i + 1), name);
  }
});

t.test('no script builds a key a caller can know from the prefix: those come as KEYS', async (t) => {
  const fixed = /P \.\. '(events|dead|orphans|mo|daemons[:\w]*|format|blacklist|optout|jobs[:\w]*)'/;
  for (const name of [...SCRIPTS, 'common']) t.notMatch(source(name), fixed, name);
});

t.test('the keys passed are keys.ts names', async (t) => {
  t.same(passed.claim, {
    events: 's:events', inflight: 's:inflight:d1', lease: 's:lease:d1', sched: 's:{cmcc}:sched',
    'lane:otp': 's:{cmcc}:lane:otp', 'lane:transactional': 's:{cmcc}:lane:transactional',
    'lane:marketing': 's:{cmcc}:lane:marketing', mcredit: 's:{cmcc}:mcredit',
  });
  t.same(passed['mo-part'], { 'mo:part': 's:{cmcc}:mo:part:+8613800138000|7|2', 'mo:pending': 's:{cmcc}:mo:pending' });
  t.equal(passed.ingest.stream, 's:jobs:priority');
});
