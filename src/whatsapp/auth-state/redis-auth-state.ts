import { BufferJSON, initAuthCreds, proto, type AuthenticationCreds, type SignalDataSet, type SignalDataTypeMap, type SignalKeyStore } from "@whiskeysockets/baileys";
import type { Redis } from "ioredis";
import { LuaScript } from "../../platform/redis/lua-script.ts";
import { SealedBox } from "../../platform/sealed-box.ts";

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

/** The session's ownership lease as this holder set it: every write checks it inside Redis. */
interface AuthFence {
  key: string;
  token: string;
}

/** A write was refused because this process no longer holds the session's lease. */
export class FenceLostError extends Error {
  constructor(sessionId: string) {
    super(`auth state of session "${sessionId}" not written: this worker no longer owns the session`);
    this.name = "FenceLostError";
  }
}

// KEYS[1] is the lease, KEYS[2..] the hashes; ARGV[1] the expected lease value,
// then per hash: the number of fields to set, of fields to delete, the
// field/value pairs and the deleted fields. HSET goes in chunks because Lua's
// unpack() has a stack limit, and pairing writes ~800 prekeys at once.
const FENCED_HASH_WRITE = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local i = 2
for k = 2, #KEYS do
  local nset = tonumber(ARGV[i]); local ndel = tonumber(ARGV[i + 1]); i = i + 2
  local last = i + 2 * nset - 1
  while i <= last do
    local stop = math.min(i + 399, last)
    redis.call('HSET', KEYS[k], unpack(ARGV, i, stop))
    i = stop + 1
  end
  last = i + ndel - 1
  while i <= last do
    local stop = math.min(i + 199, last)
    redis.call('HDEL', KEYS[k], unpack(ARGV, i, stop))
    i = stop + 1
  end
end
return 1
`);

const FENCED_SET = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
return 1
`);

const FENCED_DELETE = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for k = 2, #KEYS do redis.call('DEL', KEYS[k]) end
return 1
`);

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
 * A `set` writes all its types in one script: pairing stores ~800 prekeys, and
 * a crash halfway must not leave a half-written Signal state. Every write is
 * fenced: the script first checks that the session's lease still holds this
 * worker's token, so a stale owner (paused, partitioned, replaced) cannot roll
 * Signal state back under the new one. Keys share the `{sessionId}` hash tag
 * with the lease so they stay in one slot on Redis Cluster.
 */
/** Where a session's credentials live: present once a session has started, gone after logout or DELETE. */
export const authCredsKey = (sessionId: string): string => `wag:auth:{${sessionId}}:creds`;

export async function useRedisAuthState(redis: Redis, sessionId: string, key: Uint8Array, fence: AuthFence): Promise<RedisAuthState> {
  const box = new SealedBox(key);
  const prefix = `wag:auth:{${sessionId}}`;
  const credsKey = authCredsKey(sessionId);
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
      const hashes: string[] = [];
      const args: (string | number | Buffer)[] = [fence.token];
      for (const [type, entries] of Object.entries(data)) {
        const writes: (string | Buffer)[] = [];
        const deletes: string[] = [];
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value === null || value === undefined) deletes.push(id);
          else writes.push(id, encode(value, slot(type, id)));
        }
        if (writes.length + deletes.length === 0) continue;
        hashes.push(typeKey(type));
        args.push(writes.length / 2, deletes.length, ...writes, ...deletes);
      }
      if (hashes.length > 0) await fenced(FENCED_HASH_WRITE, hashes, args);
    },
  };

  async function fenced(script: LuaScript, keys: string[], args: (string | number | Buffer)[]): Promise<void> {
    if ((await script.run(redis, [fence.key, ...keys], args)) !== 1) throw new FenceLostError(sessionId);
  }

  return {
    state: { creds, keys },
    saveCreds: () => fenced(FENCED_SET, [credsKey], [fence.token, encode(creds, slot("creds", ""))]),
    clear: () => fenced(FENCED_DELETE, [credsKey, ...KEY_TYPES.map(typeKey)], [fence.token]),
  };
}
