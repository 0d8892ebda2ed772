/**
 * The one doorway through which code outside `src/whatsapp/` reaches Baileys' protocol primitives.
 * Only this folder may import Baileys; the simulator speaks the same wire protocol, so it borrows
 * exactly these building blocks (binary node codec, protobufs, Signal repository, crypto helpers)
 * instead of re-deriving them.
 */
export {
  proto,
  encodeBinaryNode,
  decodeBinaryNode,
  jidDecode,
  jidEncode,
  getBinaryNodeChild,
  getBinaryNodeChildren,
  getBinaryNodeChildBuffer,
  getAllBinaryNodeChildren,
  S_WHATSAPP_NET,
  NOISE_MODE,
  NOISE_WA_HEADER,
  KEY_BUNDLE_TYPE,
  WA_ADV_ACCOUNT_SIG_PREFIX,
  WA_ADV_DEVICE_SIG_PREFIX,
  initAuthCreds,
  addTransactionCapability,
  encodeWAMessage,
  unpadRandomMax16,
  derivePairingCodeKey,
  aesEncryptCTR,
  aesDecryptCTR,
  hkdfInfoKey,
  decryptPollVote,
  BufferJSON,
} from '@whiskeysockets/baileys';
export type {
  BinaryNode,
  AuthenticationCreds,
  SignalDataTypeMap,
  SignalKeyStore,
  SignalKeyStoreWithTransaction,
} from '@whiskeysockets/baileys';
export { makeLibSignalRepository } from '@whiskeysockets/baileys/lib/Signal/libsignal.js';
export type { SignalRepositoryWithLIDStore } from '@whiskeysockets/baileys/lib/Types/Signal.js';
