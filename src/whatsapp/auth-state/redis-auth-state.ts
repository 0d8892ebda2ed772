import { BufferJSON, initAuthCreds, proto, type AuthenticationCreds, type SignalDataSet, type SignalDataTypeMap, type SignalKeyStore } from "@whiskeysockets/baileys";
import type { Redis } from "ioredis";
import { SealedBox } from "./sealed-box.ts";

/** Every key type Baileys stores, as a record so the compiler flags a type added by a Baileys upgrade. */
const KEY_TYPES = Object.keys({
  "pre-key": true,
  session: true,
  "sender-key": true,
  "sender-key-memory": true,
  "app-state-sync-key": true,
  "app-state-sync-version": true,
  "lid-mapping": true,
  "device-list": true,
  tctoken: true,
  "identity-key": true,
} satisfies Record<keyof SignalDataTypeMap, true>);

export interface RedisAuthState {
  state: { creds: AuthenticationCreds; keys: SignalKeyStore };
  /** Persists the current creds; call on every `creds.update`. */
  saveCreds(): Promise<void>;
  /** Erases creds and every key for good (logout / DELETE_SESSION). */
  clear(): Promise<void>;
}

/**
 * Baileys auth state kept in Redis, so any worker can take a session over, and
 * encrypted so a Redis dump does not hand out WhatsApp accounts. Creds are one
 * string; keys are one hash per type (HMGET reads many ids in one round trip).
 * A `set` writes all its types in one MULTI: pairing stores ~800 prekeys, and a
 * crash halfway must not leave a half-written Signal state. Keys share the
 * `{sessionId}` hash tag so they stay in one slot on Redis Cluster.
 */
export async function useRedisAuthState(redis: Redis, sessionId: string, key: Uint8Array): Promise<RedisAuthState> {
  const box = new SealedBox(key);
  const prefix = `wag:auth:{${sessionId}}`;
  const credsKey = `${prefix}:creds`;
  const typeKey = (type: string) => `${prefix}:keys:${type}`;
  const slot = (type: string, id: string) => `${sessionId}|${type}|${id}`;
  const encode = (value: unknown, s: string) => box.seal(JSON.stringify(value, BufferJSON.replacer), s);
  const decode = (sealed: Buffer, s: string): unknown => JSON.parse(box.open(sealed, s), BufferJSON.reviver);

  const stored = await redis.getBuffer(credsKey);
  const creds = stored ? (decode(stored, slot("creds", "")) as AuthenticationCreds) : initAuthCreds();

  const keys: SignalKeyStore = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      if (ids.length === 0) return out;
      const values = await redis.hmgetBuffer(typeKey(type), ...ids);
      ids.forEach((id, i) => {
        const sealed = values[i];
        if (!sealed) return;
        let value = decode(sealed, slot(type, id));
        // Baileys expects a protobuf object here, not the plain JSON it was saved from.
        if (type === "app-state-sync-key") value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
        out[id] = value as SignalDataTypeMap[T];
      });
      return out;
    },
    async set(data: SignalDataSet) {
      const tx = redis.multi();
      for (const [type, entries] of Object.entries(data)) {
        const writes: (string | Buffer)[] = [];
        const deletes: string[] = [];
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value === null || value === undefined) deletes.push(id);
          else writes.push(id, encode(value, slot(type, id)));
        }
        if (writes.length > 0) tx.hset(typeKey(type), ...writes);
        if (deletes.length > 0) tx.hdel(typeKey(type), ...deletes);
      }
      await tx.exec();
    },
  };

  return {
    state: { creds, keys },
    saveCreds: async () => void (await redis.set(credsKey, encode(creds, slot("creds", "")))),
    clear: async () => void (await redis.del(credsKey, ...KEY_TYPES.map(typeKey))),
  };
}
