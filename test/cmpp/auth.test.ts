import t from 'tap';
import { authenticatorIsmg, authenticatorSource, connectTimestamp, ismgAuthenticates } from '../../src/cmpp/auth.js';

// Computed outside Node with coreutils from the specification's formula:
//   printf '901234\0\0\0\0\0\0\0\0\0secret1202153800' | md5sum
const SOURCE = 'd57a019aa308e4883cb3248b5ded6664';
//   (printf '\x00'; <SOURCE as bytes>; printf 'secret') | md5sum      (2.0: Status is 1 octet)
const ISMG_20 = '02624bff253cc1b56c2430e181c4c79a';
//   (printf '\x00\x00\x00\x00'; <SOURCE as bytes>; printf 'secret') | md5sum   (3.0: 4 octets)
const ISMG_30 = '6072898edebfa25f971e492eff3de90d';

t.test('AuthenticatorSource is MD5 of Source_Addr, nine NULs, the secret and the timestamp', async (t) => {
  t.equal(authenticatorSource('901234', 'secret', '1202153800').toString('hex'), SOURCE);
});

t.test('AuthenticatorISMG is MD5 of the Status as sent, AuthenticatorSource and the secret', async (t) => {
  const src = Buffer.from(SOURCE, 'hex');
  t.equal(authenticatorIsmg(0, 1, src, 'secret').toString('hex'), ISMG_20);
  t.equal(authenticatorIsmg(0, 4, src, 'secret').toString('hex'), ISMG_30);
  t.ok(ismgAuthenticates(Buffer.from(ISMG_20, 'hex'), 0, 1, src, 'secret'));
  t.notOk(ismgAuthenticates(Buffer.from(ISMG_20, 'hex'), 0, 1, src, 'Secret'), 'another secret does not authenticate');
  t.notOk(ismgAuthenticates(Buffer.alloc(3), 0, 1, src, 'secret'), 'a short authenticator does not authenticate');
});

t.test('the timestamp is MMDDHHMMSS in China Standard Time whatever the host zone', async (t) => {
  t.equal(connectTimestamp(Date.UTC(2026, 11, 2, 7, 38, 0)), '1202153800');
  t.equal(connectTimestamp(Date.UTC(2026, 11, 31, 16, 0, 5)), '0101000005', 'UTC+8 has passed midnight into the new year');
});
