import { proto } from '../../whatsapp/protocol.ts';
import { type KeyPair, sign, verifyStrict } from '../crypto/curve.ts';

/** The serial WhatsApp clients expect of the intermediate's issuer (`WA_CERT_DETAILS.SERIAL`). */
export const ROOT_SERIAL = 0;

interface CertChainOptions {
  readonly root: KeyPair;
  readonly intermediate: KeyPair;
  /** The server's static Noise key, certified by the leaf. */
  readonly serverStatic: Buffer;
  /** Which issuer serial the intermediate claims; a non-zero value lets tests prove clients check it. */
  readonly issuerSerial?: number;
  readonly nowSeconds: number;
}

const details = (fields: proto.CertChain.NoiseCertificate.IDetails): Buffer =>
  Buffer.from(proto.CertChain.NoiseCertificate.Details.encode(fields).finish());

/** Builds root → intermediate → leaf, the chain sent encrypted in the Noise ServerHello. */
export const buildCertChain = (options: CertChainOptions): Buffer => {
  const validity = { notBefore: options.nowSeconds - 3600, notAfter: options.nowSeconds + 365 * 86400 };
  const intermediateDetails = details({
    serial: 1,
    issuerSerial: options.issuerSerial ?? ROOT_SERIAL,
    key: options.intermediate.public,
    ...validity,
  });
  const leafDetails = details({ serial: 2, issuerSerial: 1, key: options.serverStatic, ...validity });
  const chain = {
    intermediate: { details: intermediateDetails, signature: sign(options.root.private, intermediateDetails) },
    leaf: { details: leafDetails, signature: sign(options.intermediate.private, leafDetails) },
  };
  return Buffer.from(proto.CertChain.encode(chain).finish());
};

/**
 * Verifies a chain strictly against a trusted root key and serial. The simulator runs this on its
 * own chain at start, because the Baileys client would accept a broken signature without noticing.
 */
export const verifyCertChain = (
  encoded: Uint8Array,
  rootPublicKey: Uint8Array,
  expectedSerial = ROOT_SERIAL,
): { ok: true; leafKey: Buffer } | { ok: false; reason: string } => {
  const { leaf, intermediate } = proto.CertChain.decode(encoded);
  if (!leaf?.details || !leaf.signature || !intermediate?.details || !intermediate.signature) {
    return { ok: false, reason: 'incomplete certificate chain' };
  }
  const inter = proto.CertChain.NoiseCertificate.Details.decode(intermediate.details);
  if (inter.issuerSerial !== expectedSerial) return { ok: false, reason: 'wrong issuer serial' };
  if (!verifyStrict(rootPublicKey, intermediate.details, intermediate.signature)) {
    return { ok: false, reason: 'intermediate signature invalid' };
  }
  if (!inter.key || !verifyStrict(inter.key, leaf.details, leaf.signature)) {
    return { ok: false, reason: 'leaf signature invalid' };
  }
  const leafDetails = proto.CertChain.NoiseCertificate.Details.decode(leaf.details);
  return { ok: true, leafKey: Buffer.from(leafDetails.key ?? []) };
};
