import t from 'tap';
import { MsgFmt } from '../../src/cmpp/constants.js';
import { cmppText } from '../../src/cmpp/text.js';

t.test('Msg_Fmt 0, 8 and 15 read ASCII, UCS2 and GBK', async (t) => {
  t.same(cmppText(Buffer.from('TD'), MsgFmt.ascii, 0), { text: 'TD' });
  t.same(cmppText(Buffer.from('90008ba2', 'hex'), MsgFmt.ucs2, 0), { text: '退订' });
  t.same(cmppText(Buffer.from('cdcbb6a9', 'hex'), MsgFmt.gbk, 0), { text: '退订' });
});

t.test('TP_udhi 1 splits the header off and reads its concatenation', async (t) => {
  const content = Buffer.concat([Buffer.from([6, 8, 4, 0x01, 0x02, 3, 2]), Buffer.from('0041', 'hex')]);
  t.same(cmppText(content, MsgFmt.ucs2, 1), { text: 'A', concat: { ref: 0x0102, total: 3, seq: 2 } });
});

t.test('another Msg_Fmt is read as Latin-1 and marked as a guess', async (t) => {
  t.same(cmppText(Buffer.from([0x41, 0xe9]), MsgFmt.binary, 0), { text: 'Aé', guessed: true });
});
