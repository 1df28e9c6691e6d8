import t from 'tap';
import { readFileSync } from 'node:fs';
import { certExpiries, describeCert } from '../../src/config/tls-files.js';

const pem = (f: string): string => readFileSync(new URL(`../fixtures/tls/${f}`, import.meta.url), 'utf8');

t.test('a client certificate is described by its subject and the day its validity ends', async (t) => {
  t.equal(describeCert(pem('esme-cert.pem')), 'PEM, CN=esme, valid until 2126-11-03');
  t.equal(describeCert(pem('smsc-cert.pem')), 'PEM, CN=localhost, valid until 2126-11-03');
});

t.test('the expiry of each carrier\'s client certificate is read from the certificate; carriers without one are left out', async (t) => {
  const out = certExpiries([{ name: 'cmcc', channels: [{ tlsCert: pem('esme-cert.pem') }] }, { name: 'cucc', channels: [{}] }]);
  t.same(Object.keys(out), ['cmcc']);
  t.equal(new Date(out.cmcc!).toISOString(), '2126-11-03T15:52:59.000Z');
});

t.test('a carrier with channels is given the soonest end among its channels\' client certificates', async (t) => {
  const out = certExpiries([{ name: 'cmcc', channels: [{}, { tlsCert: pem('esme-cert.pem') }] }, { name: 'cucc', channels: [{}] }]);
  t.same(Object.keys(out), ['cmcc'], 'a certificate on its second channel is seen');
  t.equal(new Date(out.cmcc!).toISOString(), '2126-11-03T15:52:59.000Z');
});
