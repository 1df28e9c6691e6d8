/**
 * The PEM files of a TLS carrier, read and checked at start (and on reload), so that a wrong file is
 * refused at its path instead of surfacing as a failed handshake at every reconnect:
 *   tlsCaFile: the CAs for an SMSC certificate the system's CAs do not vouch for (a carrier's private CA);
 *   tlsCertFile + tlsKeyFile (+ tlsKeyPassphrase): the certificate smppd shows when the SMSC asks
 *   for one (mutual TLS). The key must be the certificate's: OpenSSL would only say so at the handshake.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fail, join, str, type Obj } from './validate.js';

type SecretReader = (o: Obj, key: string, path: string) => string | undefined;

function readPem(file: string, p: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    fail(p, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** tlsCaFile -> { tlsCa: PEM text }, or nothing when absent (the system's CAs). */
export function tlsCa(v: Obj, path: string): { tlsCa?: string } {
  const file = str(v, 'tlsCaFile', path, '');
  if (file === '') return {};
  const p = join(path, 'tlsCaFile');
  if (v.tls !== true) fail(p, 'needs tls: true');
  const pem = readPem(file, p);
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) fail(p, `${file} holds no PEM certificate`);
  return { tlsCa: pem };
}

/** The client certificate as config keeps it: PEM texts (the key decrypted), never printed. */
export interface TlsClientCert {
  tlsCert?: string;
  tlsKey?: string;
}

/**
 * tlsCertFile + tlsKeyFile (+ tlsKeyPassphrase, a secret) -> the certificate chain and the key, the key
 * exported unencrypted so that the passphrase is not kept; nothing when neither file is named.
 */
export function tlsClientCert(v: Obj, path: string, secret: SecretReader): TlsClientCert {
  const certFile = str(v, 'tlsCertFile', path, '');
  const keyFile = str(v, 'tlsKeyFile', path, '');
  const passphrase = secret(v, 'tlsKeyPassphrase', path);
  const pc = join(path, 'tlsCertFile');
  const pk = join(path, 'tlsKeyFile');
  if (certFile === '' && keyFile === '') {
    if (passphrase !== undefined) fail(join(path, 'tlsKeyPassphrase'), 'needs tlsKeyFile');
    return {};
  }
  if (certFile === '') fail(pc, 'is required with tlsKeyFile');
  if (keyFile === '') fail(pk, 'is required with tlsCertFile');
  if (v.tls !== true) fail(pc, 'needs tls: true');
  const certPem = readPem(certFile, pc);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    fail(pc, `${certFile} holds no PEM certificate`);
  }
  const keyPem = readPem(keyFile, pk);
  if (keyPem.includes('ENCRYPTED') && passphrase === undefined) fail(pk, `${keyFile} is encrypted: set tlsKeyPassphrase`);
  let key: KeyObject;
  try {
    key = createPrivateKey(passphrase === undefined ? { key: keyPem } : { key: keyPem, passphrase });
  } catch (e) {
    const bad = (e as { code?: string }).code === 'ERR_OSSL_BAD_DECRYPT';
    fail(bad ? join(path, 'tlsKeyPassphrase') : pk, bad ? `does not decrypt ${keyFile}` : `${keyFile} holds no PEM private key`);
  }
  if (!cert.checkPrivateKey(key)) fail(pk, `${keyFile} is not the key of the certificate in ${certFile}`);
  return { tlsCert: certPem, tlsKey: key.export({ type: 'pkcs8', format: 'pem' }) as string };
}

/** How check-config and status show the client certificate: its subject and expiry, no PEM. */
export function describeCert(pem: string): string {
  const c = new X509Certificate(pem);
  return `PEM, ${c.subject.replace(/\n/g, ', ')}, valid until ${new Date(Date.parse(c.validTo)).toISOString().slice(0, 10)}`;
}

/** The end of validity of each carrier's client certificate, ms since the epoch (the expiry gauge, and
 *  the warning at start and reload when one ends within CERT_WARN_MS): the soonest among its channels'. */
export function certExpiries(carriers: readonly { name: string; channels: readonly { tlsCert?: string }[] }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of carriers) {
    for (const { tlsCert } of c.channels) {
      if (tlsCert !== undefined) out[c.name] = Math.min(out[c.name] ?? Infinity, Date.parse(new X509Certificate(tlsCert).validTo));
    }
  }
  return out;
}

/** How close to its end a client certificate is logged as a warning: as long as the shipped alert waits. */
export const CERT_WARN_MS = 14 * 86_400_000;
