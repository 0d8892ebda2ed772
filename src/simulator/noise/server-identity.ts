import { deriveSecret, keyPairFromSecret } from '../crypto/curve.ts';
import { buildCertChain, ROOT_SERIAL, verifyCertChain } from './noise-cert.ts';
import type { ServerIdentity } from './server-handshake.ts';

/**
 * The simulator's Noise identity from its seed: a root key (what clients must trust), an
 * intermediate, and the static key the leaf certifies. The chain is checked strictly before use.
 */
export const buildServerIdentity = (seed: string, issuerSerial = ROOT_SERIAL): { identity: ServerIdentity; rootPublicKey: Buffer } => {
  const root = keyPairFromSecret(deriveSecret(seed, 'noise-root'));
  const staticKey = keyPairFromSecret(deriveSecret(seed, 'noise-static'));
  const certChain = buildCertChain({
    root,
    intermediate: keyPairFromSecret(deriveSecret(seed, 'noise-intermediate')),
    serverStatic: staticKey.public,
    issuerSerial,
    nowSeconds: Math.floor(Date.now() / 1000),
  });
  const check = verifyCertChain(certChain, root.public, issuerSerial);
  if (!check.ok || !check.leafKey.equals(staticKey.public)) throw new Error('simulator built an invalid certificate chain');
  return { identity: { staticKey, certChain }, rootPublicKey: root.public };
};
