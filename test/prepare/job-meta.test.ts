import t from 'tap';
import { rawMember, utf8Over } from '../../src/prepare/job-meta.js';

t.test('rawMember cuts out a top-level member as written, with its nesting depth', async (t) => {
  const doc = '{ "text" : "a \\"meta\\": {x}", "meta" : {"l":[ ],"n":12345678901234567890,"s":"}]\\\\"} , "to":"1"}';
  t.same(rawMember(doc, 'meta'), { text: '{"l":[ ],"n":12345678901234567890,"s":"}]\\\\"}', depth: 2 },
    'quotes and brackets inside strings, before and inside it, do not confuse it');
  t.same(rawMember('{"meta":{"a":1},"meta":{"b":[2]}}', 'meta'), { text: '{"b":[2]}', depth: 2 }, 'the last one wins, as in JSON.parse');
  t.same(rawMember('{"\\u006deta":{}}', 'meta'), { text: '{}', depth: 1 }, 'a name written with escapes counts');
  t.same(rawMember('{"nested":{"meta":{}},"x":[1,{"meta":2}]}', 'meta'), undefined, 'only top-level members');
  t.same(rawMember('{"a":-1.5e3,"b":true,"c":null,"meta":7}', 'meta'), { text: '7', depth: 0 });
  t.same(rawMember('{}', 'meta'), undefined);
});

t.test('utf8Over counts octets, not characters', async (t) => {
  t.notOk(utf8Over('x'.repeat(4096), 4096));
  t.ok(utf8Over('x'.repeat(4097), 4096));
  t.ok(utf8Over('é'.repeat(2049), 4096), '2,049 two-octet characters are 4,098 octets');
  t.notOk(utf8Over('é'.repeat(2048), 4096));
});
