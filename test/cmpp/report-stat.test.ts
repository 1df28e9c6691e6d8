import t from 'tap';
import { reportState } from '../../src/cmpp/report-stat.js';

t.test('the seven states of the specifications are kept as they are, any case, padding dropped', async (t) => {
  for (const s of ['DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD']) t.same(reportState(s), { stat: s, err: '' });
  t.same(reportState('delivrd'), { stat: 'DELIVRD', err: '' });
  t.same(reportState('EXPIRED\0'), { stat: 'EXPIRED', err: '' });
});

t.test('an ISMG code is a failed delivery with the code as its error', async (t) => {
  for (const s of ['MA:0054', 'MB:1042', 'MK:0001', 'DB:0140', 'IB:0008', 'M2:0013', 'R1:0006']) t.same(reportState(s), { stat: 'UNDELIV', err: s });
});

t.test('any other word reads as UNKNOWN with the word kept; a blank Stat is no state', async (t) => {
  t.same(reportState('FOOBAR'), { stat: 'UNKNOWN', err: 'FOOBAR' });
  t.equal(reportState('       '), null);
  t.equal(reportState('\0\0\0\0\0\0\0'), null);
});
