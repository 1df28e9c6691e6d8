import t from 'tap';
import { applyChinaRules, hasSignature } from '../../src/text/china-rules.js';

const o = { signature: '【Acme】', optOutLine: '回复TD退订', optOut: 'append' as const };

t.test('the configured signature is prepended when the text has none', async (t) => {
  t.equal(applyChinaRules('您的验证码是1234', 'otp', o), '【Acme】您的验证码是1234');
  t.equal(applyChinaRules('【Shop】您的验证码是1234', 'otp', o), '【Shop】您的验证码是1234');
  t.equal(applyChinaRules('您的验证码是1234【Shop】', 'otp', o), '您的验证码是1234【Shop】');
  t.equal(applyChinaRules('code 1234', 'otp', { ...o, signature: '' }), 'code 1234');
});

t.test('marketing without the opt-out line gets it appended, after a space unless punctuation ends the text', async (t) => {
  t.equal(applyChinaRules('双十一大促', 'marketing', o), '【Acme】双十一大促 回复TD退订');
  t.equal(applyChinaRules('双十一大促！', 'marketing', o), '【Acme】双十一大促！回复TD退订');
  t.equal(applyChinaRules('双十一大促【Shop】', 'marketing', o), '双十一大促 回复TD退订【Shop】', 'a trailing signature stays last');
  t.equal(applyChinaRules('大促，回复TD退订', 'marketing', o), '【Acme】大促，回复TD退订', 'not added twice');
});

t.test('a carrier that rejects gets MISSING_OPTOUT for marketing only', async (t) => {
  t.equal(applyChinaRules('双十一大促', 'marketing', { ...o, optOut: 'reject' }), 'MISSING_OPTOUT');
  t.equal(applyChinaRules('订单已发货', 'transactional', { ...o, optOut: 'reject' }), '【Acme】订单已发货');
});

t.test('a signature is recognised only in lenticular brackets at the start or end', async (t) => {
  t.ok(hasSignature('【A】x'));
  t.notOk(hasSignature('x【A】x'));
  t.notOk(hasSignature('[A] x'));
});
