import { deriveSecret, keyPairFromSecret } from '../crypto/curve.ts';
import { buildCertChain, ROOT_SERIAL, verifyCertChain } from './noise-cert.ts';
import type { ServerIdentity } from './server-handshake.ts';

/**
 * The simulator's Noise identity from its seed: a root key (what clients must trust), an
 * intermediate, and the static key the leaf certifies. The chain is checked strictly before use.
 */
export const buildServerIdentity = (seed: string, issuerSerial = ROOT_SERIAL, replayChainOf?: string): { identity: ServerIdentity; rootPublicKey: Buffer } => {
  if (replayChainOf !== undefined) return impostorIdentity(seed, replayChainOf, issuerSerial);
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

/**
 * An impostor: it presents the genuine chain of the server seeded `genuineSeed` (a chain is public:
 * every client of that server receives it) while holding a static key of its own. Only a client that
 * checks that the leaf certifies the key the server proved it holds refuses it.
 */
const impostorIdentity = (seed: string, genuineSeed: string, issuerSerial: number): { identity: ServerIdentity; rootPublicKey: Buffer } => {
  const genuine = buildServerIdentity(genuineSeed, issuerSerial);
  const staticKey = keyPairFromSecret(deriveSecret(seed, 'impostor-static'));
  return { identity: { staticKey, certChain: genuine.identity.certChain }, rootPublicKey: genuine.rootPublicKey };
};
