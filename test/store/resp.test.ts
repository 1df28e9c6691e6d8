import t from 'tap';
import { Command } from 'ioredis';
import { encodeCommand, respHead, type RespArg } from '../../src/store/resp.js';

const none = respHead([]);
const wire = (args: RespArg[]): string => encodeCommand(none, args).toString('latin1');
const bytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

t.test('strings, with their UTF-8 byte length', async (t) => {
  t.equal(wire(['PING']), '*1\r\n$4\r\nPING\r\n');
  t.equal(wire(['']), '*1\r\n$0\r\n\r\n', 'empty string');
  t.equal(wire(['【验证码】']), bytes('*1\r\n$15\r\n【验证码】\r\n'), 'CJK brackets and text: 3 bytes each');
  t.equal(wire(['ok 👍']), bytes('*1\r\n$7\r\nok 👍\r\n'), 'an emoji is 4 bytes');
  t.equal(wire(['\ud800']), '*1\r\n$3\r\n\xef\xbf\xbd\r\n', 'a lone surrogate goes as U+FFFD, as Buffer.from does');
  const long = 'x'.repeat(100) + 'é';
  t.equal(wire([long]), bytes(`*1\r\n$102\r\n${long}\r\n`), 'a long string takes the other copy path');
});

t.test('numbers exactly as String(n), integers past 2^53 in full', async (t) => {
  t.equal(wire([0, 7, 42, 1_700_000_000_123]), '*4\r\n$1\r\n0\r\n$1\r\n7\r\n$2\r\n42\r\n$13\r\n1700000000123\r\n');
  t.equal(wire([-1, -250, -0]), '*3\r\n$2\r\n-1\r\n$4\r\n-250\r\n$1\r\n0\r\n', 'negatives; -0 as "0"');
  t.equal(wire([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]),
    '*2\r\n$16\r\n9007199254740991\r\n$17\r\n-9007199254740991\r\n');
  t.equal(wire([2 ** 64, 1e21]), '*2\r\n$20\r\n18446744073709551616\r\n$22\r\n1000000000000000000000\r\n');
  t.equal(wire([-(2 ** 70)]), '*1\r\n$23\r\n-1180591620717411303424\r\n', 'not -1.1805916207174113e+21');
  for (const n of [0.5, -1.25, 1 / 3, 1e-7, 1.5e-300, NaN, Infinity, -Infinity]) {
    const s = String(n);
    t.equal(wire([n]), `*1\r\n$${s.length}\r\n${s}\r\n`, s);
  }
  for (let d = 1, n = 1; d <= 16; d++, n *= 10) {
    t.equal(wire([n, n - 1]), `*2\r\n$${String(n).length}\r\n${n}\r\n$${String(n - 1).length}\r\n${n - 1}\r\n`, `10^${d - 1}`);
  }
});

t.test('Buffers and Uint8Arrays as their bytes', async (t) => {
  t.equal(wire([Buffer.from([0, 0x0d, 0x0a, 0xff])]), '*1\r\n$4\r\n\x00\r\n\xff\r\n');
  t.equal(wire([Buffer.alloc(0)]), '*1\r\n$0\r\n\r\n', 'empty Buffer');
  const u8 = new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4);
  t.equal(wire([u8]), '*1\r\n$3\r\n\x01\x02\x03\r\n', 'a view: its own bytes, not its backing store');
  const big = Buffer.alloc(70_000, 0x4e);
  t.equal(encodeCommand(none, [big]).length, 1 + 1 + 2 + 1 + 5 + 2 + 70_000 + 2);
});

t.test('a head is encoded once and counted in the array length', async (t) => {
  const sha = 'a'.repeat(40);
  const head = respHead(['evalsha', sha, 0]);
  t.equal(head.count, 3);
  t.equal(head.bytes.toString(), `$7\r\nevalsha\r\n$40\r\n${sha}\r\n$1\r\n0\r\n`);
  t.equal(encodeCommand(head, []).toString(), `*3\r\n${head.bytes}`);
  t.equal(encodeCommand(head, ['x', 1]).toString(), `*5\r\n${head.bytes}$1\r\nx\r\n$1\r\n1\r\n`);
});

t.test('the same bytes ioredis writes for the same call', async (t) => {
  const sha = 'f'.repeat(40);
  const args: RespArg[] = [];
  for (let i = 0; i < 300; i++) {
    args.push('t:', 'A', `1700000000000-${i}`, i, -i, i * 1.5, '+8613800138000', '【短信】验证码 😀', '',
      Buffer.from(`body-${i}`), Buffer.alloc(0), 1_700_000_000_000 + i);
  }
  const ours = encodeCommand(respHead(['evalsha', sha, 0]), args);
  const theirs = new Command('evalsha', [sha, 0, ...(args as (string | number | Buffer)[])]).toWritable({});
  t.ok(ours.equals(Buffer.isBuffer(theirs) ? theirs : Buffer.from(theirs)));
  const strings = args.filter((a) => !Buffer.isBuffer(a));
  t.equal(encodeCommand(none, strings).toString(), new Command('x', strings as (string | number)[]).toWritable({}).toString()
    .replace(/^\*\d+\r\n\$1\r\nx\r\n/, `*${strings.length}\r\n`), 'a call without Buffers too');
});
