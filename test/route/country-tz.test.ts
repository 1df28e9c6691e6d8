import t from 'tap';
import { zoneForNumber } from '../../src/route/country-tz.js';

t.test('single-zone countries map to their zone; others fall back', async (t) => {
  t.equal(zoneForNumber('+8613800138000', 'UTC'), 'Asia/Shanghai');
  t.equal(zoneForNumber('+85291234567', 'UTC'), 'Asia/Hong_Kong');
  t.equal(zoneForNumber('+447911123456', 'UTC'), 'Europe/London');
  t.equal(zoneForNumber('+14155552671', 'Asia/Shanghai'), 'Asia/Shanghai');
});
