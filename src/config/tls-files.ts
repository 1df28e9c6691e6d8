/**
 * The PEM files of a TLS carrier, read and checked at start (and on reload), so that a wrong file is
 * refused at its path instead of surfacing as a failed handshake at every reconnect:
 *   tlsCaFile: the CAs for an SMSC certificate the system's CAs do not vouch for (a carrier's private CA);
 *   tlsCertFile + tlsKeyFile (+ tlsKeyPassphrase): the certificate smppd shows when the SMSC asks
 *   for one (mutual TLS). The key must be the certificate's: OpenSSL would only say so at the handshake.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The TLS fields of a channel as written (its own over its carrier's); a secret passphrase already read. */
export interface TlsFields {
  tls: boolean;
  tlsCaFile?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsKeyPassphrase?: string;
}

/** The client certificate and the CAs as config keeps them: PEM texts (the key decrypted), never printed. */
export interface TlsPems {
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
}

/** Names a problem at the field to fix; the check of that file stops there (it returns nothing). */
type Report = (key: keyof TlsFields, message: string) => undefined;

function readPem(file: string, key: keyof TlsFields, report: Report): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    return report(key, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** tlsCaFile -> the PEM text of the CAs, or nothing when absent (the system's CAs). */
function tlsCa(v: TlsFields, report: Report): string | undefined {
  if (v.tlsCaFile === undefined || v.tlsCaFile === '') return undefined;
  if (!v.tls) return report('tlsCaFile', 'needs tls: true');
  const pem = readPem(v.tlsCaFile, 'tlsCaFile', report);
  if (pem === undefined || pem.includes('-----BEGIN CERTIFICATE-----')) return pem;
  return report('tlsCaFile', `${v.tlsCaFile} holds no PEM certificate`);
}

/**
 * tlsCertFile + tlsKeyFile (+ tlsKeyPassphrase) -> the certificate chain and the key, the key exported
 * unencrypted so that the passphrase is not kept; nothing when neither file is named.
 */
function tlsClientCert(v: TlsFields, report: Report): { tlsCert: string; tlsKey: string } | undefined {
  const certFile = v.tlsCertFile ?? '';
  const keyFile = v.tlsKeyFile ?? '';
  const passphrase = v.tlsKeyPassphrase;
  if (certFile === '' && keyFile === '') return passphrase === undefined ? undefined : report('tlsKeyPassphrase', 'needs tlsKeyFile');
  if (certFile === '') return report('tlsCertFile', 'is required with tlsKeyFile');
  if (keyFile === '') return report('tlsKeyFile', 'is required with tlsCertFile');
  if (!v.tls) return report('tlsCertFile', 'needs tls: true');
  const certPem = readPem(certFile, 'tlsCertFile', report);
  if (certPem === undefined) return undefined;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    return report('tlsCertFile', `${certFile} holds no PEM certificate`);
  }
  const keyPem = readPem(keyFile, 'tlsKeyFile', report);
  if (keyPem === undefined) return undefined;
  if (keyPem.includes('ENCRYPTED') && passphrase === undefined) return report('tlsKeyFile', `${keyFile} is encrypted: set tlsKeyPassphrase`);
  let key: KeyObject;
  try {
    key = createPrivateKey(passphrase === undefined ? { key: keyPem } : { key: keyPem, passphrase });
  } catch (e) {
    const bad = (e as { code?: string }).code === 'ERR_OSSL_BAD_DECRYPT';
    return report(bad ? 'tlsKeyPassphrase' : 'tlsKeyFile', bad ? `does not decrypt ${keyFile}` : `${keyFile} holds no PEM private key`);
  }
  if (!cert.checkPrivateKey(key)) return report('tlsKeyFile', `${keyFile} is not the key of the certificate in ${certFile}`);
  return { tlsCert: certPem, tlsKey: key.export({ type: 'pkcs8', format: 'pem' }) as string };
}

/** The PEM texts a channel's TLS fields name, read and checked; each problem reported at its field. */
export function tlsPems(v: TlsFields, report: Report): TlsPems {
  const ca = tlsCa(v, report);
  return { ...(ca === undefined ? {} : { tlsCa: ca }), ...tlsClientCert(v, report) };
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
