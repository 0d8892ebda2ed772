import { createECDH, createPrivateKey, sign } from 'node:crypto';
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
const utcTime = (date: Date): Buffer => tlv(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-:T]/g, '')}Z`));
const name = (cn: string): Buffer => seq(tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn)))));
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const EC_P256_SPKI_PREFIX = seq(oid('1.2.840.10045.2.1'), oid('1.2.840.10045.3.1.7'));

export interface TlsIdentity {
  readonly cert: string;
  readonly key: string;
}

const pem = (label: string, der: Buffer): string =>
  `-----BEGIN ${label}-----\n${der.toString('base64').match(/.{1,64}/g)?.join('\n')}\n-----END ${label}-----\n`;

/**
 * A self-signed P-256 certificate for 127.0.0.1 and localhost, acting as its own CA. The key comes
 * from the seed, so the same seed yields the same key. Built in-process so the simulator needs no
 * openssl binary, which a compiled gateway cannot count on.
 */
export const selfSignedCert = (seed: string, hostname: string): TlsIdentity => {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(deriveSecret(seed, 'media-tls-key'));
  const point = ecdh.getPublicKey();
  const b64u = (b: Buffer) => b.toString('base64url');
  const privateKey = createPrivateKey({
    key: { kty: 'EC', crv: 'P-256', d: b64u(ecdh.getPrivateKey()), x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)) },
    format: 'jwk',
  });
  const ip = hostname.split('.').map(Number);
  const altNames = [tlv(0x82, Buffer.from('localhost')), ...(ip.length === 4 && ip.every((n) => n >= 0 && n < 256) ? [tlv(0x87, Buffer.from(ip))] : [tlv(0x82, Buffer.from(hostname))])];
  const now = Date.now();
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, Buffer.concat([Buffer.from([0x01]), deriveSecret(seed, 'media-tls-serial').subarray(0, 15)])),
    ECDSA_SHA256,
    name('wa-gateway simulator media'),
    seq(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + 365 * 86_400_000))),
    name('wa-gateway simulator media'),
    seq(EC_P256_SPKI_PREFIX, tlv(0x03, Buffer.from([0]), point)),
    tlv(
      0xa3,
      seq(
        seq(oid('2.5.29.19'), tlv(0x01, Buffer.from([0xff])), tlv(0x04, seq(tlv(0x01, Buffer.from([0xff]))))),
        seq(oid('2.5.29.17'), tlv(0x04, seq(...altNames))),
      ),
    ),
  );
  const signature = sign('sha256', tbs, privateKey);
  const cert = seq(tbs, ECDSA_SHA256, tlv(0x03, Buffer.from([0]), signature));
  return { cert: pem('CERTIFICATE', cert), key: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
};
