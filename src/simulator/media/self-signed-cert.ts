import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { deriveSecret } from '../crypto/curve.ts';

// Minimal DER (ASN.1) encoding: just enough to build one X.509 v3 certificate.
const length = (n: number): Buffer => {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = Buffer.from(n.toString(16).padStart(n > 0xff ? 4 : 2, '0'), 'hex');
  return Buffer.concat([Buffer.from([0x80 | bytes.length]), bytes]);
};
const tlv = (tag: number, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const seq = (...parts: Buffer[]) => tlv(0x30, ...parts);
const oid = (dotted: string): Buffer => {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * a + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
};
const name = (cn: string): Buffer => seq(tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn)))));
const ED25519 = seq(oid('1.3.101.112'));
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
// A fixed validity window (UTCTime), so the certificate does not change from one start to the next.
const VALIDITY = seq(tlv(0x17, Buffer.from('250101000000Z')), tlv(0x17, Buffer.from('491231235959Z')));
const SUBJECT = name('wa-gateway simulator media');

export interface TlsIdentity {
  readonly cert: string;
  readonly key: string;
}

const pem = (label: string, der: Buffer): string =>
  `-----BEGIN ${label}-----\n${der.toString('base64').match(/.{1,64}/g)?.join('\n')}\n-----END ${label}-----\n`;

const altNames = (hostname: string): Buffer => {
  const ip = hostname.split('.').map(Number);
  const isIp = ip.length === 4 && ip.every((n) => Number.isInteger(n) && n >= 0 && n < 256);
  return seq(tlv(0x82, Buffer.from('localhost')), isIp ? tlv(0x87, Buffer.from(ip)) : tlv(0x82, Buffer.from(hostname)));
};

/**
 * The media host's self-signed Ed25519 certificate for `hostname` and localhost, acting as its own CA.
 * It is a pure function of the seed (Ed25519 signatures are deterministic, the validity window is
 * fixed), so a gateway can write the PEM to the file in `NODE_EXTRA_CA_CERTS` before the process that
 * runs Baileys starts: Bun reads that variable only at start. Built in-process: no openssl needed.
 */
export const selfSignedCert = (seed: string, hostname: string): TlsIdentity => {
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, deriveSecret(seed, 'media-tls-key')]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const serial = tlv(0x02, Buffer.concat([Buffer.from([0x01]), deriveSecret(seed, 'media-tls-serial').subarray(0, 15)]));
  const basicConstraintsCa = seq(oid('2.5.29.19'), tlv(0x01, Buffer.from([0xff])), tlv(0x04, seq(tlv(0x01, Buffer.from([0xff])))));
  const subjectAltName = seq(oid('2.5.29.17'), tlv(0x04, altNames(hostname)));
  const tbs = seq(tlv(0xa0, tlv(0x02, Buffer.from([2]))), serial, ED25519, SUBJECT, VALIDITY, SUBJECT, spki, tlv(0xa3, seq(basicConstraintsCa, subjectAltName)));
  const cert = seq(tbs, ED25519, tlv(0x03, Buffer.from([0]), sign(null, tbs, privateKey)));
  return { cert: pem('CERTIFICATE', cert), key: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
};
