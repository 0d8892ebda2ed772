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

/** AUTH_STATE_KEY, and during a rotation the key it replaces (AUTH_STATE_KEY_PREVIOUS), still read. */
export interface AuthStateKeys {
  current: Uint8Array;
  previous?: Uint8Array;
}

/**
 * Stored auth state that opens under neither key. GCM cannot tell a wrong key
 * from damaged data, but a changed AUTH_STATE_KEY is what makes every value
 * of a session fail at once, so the message names it and the ways out.
 */
export class AuthUnreadableError extends Error {
  constructor(sessionId: string, rotating: boolean, options?: ErrorOptions) {
    super(
      `auth_unreadable: the stored auth state of session "${sessionId}" cannot be decrypted with AUTH_STATE_KEY${rotating ? " nor AUTH_STATE_KEY_PREVIOUS" : ""}; ` +
        "the key was most likely changed. Start the worker with the key the session was linked under (or that key as AUTH_STATE_KEY_PREVIOUS, to rotate it), " +
        "or delete the session and link it again",
      options,
    );
    this.name = "AuthUnreadableError";
  }
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

// Re-seals values read under the previous key. KEYS[1] is the lease, KEYS[2..] the key holding each value;
// ARGV[1] the expected lease value, then per value: its hash field ("" for the creds string), the sealed
// value as read, and the same value sealed under the new key. A value written since it was read is newer
// than what was read: it is left alone, so re-sealing can never roll Signal state back.
const FENCED_RESEAL = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for k = 2, #KEYS do
  local i = 2 + (k - 2) * 3
  local field, read, sealed = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if field == '' then
    if redis.call('GET', KEYS[k]) == read then redis.call('SET', KEYS[k], sealed) end
  elseif redis.call('HGET', KEYS[k], field) == read then
    redis.call('HSET', KEYS[k], field, sealed)
  end
end
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
  /** How many stored values were sealed under AUTH_STATE_KEY_PREVIOUS when the state was loaded, and are re-sealed now. */
  resealed: number;
}

/** A value read from Redis that opened under the previous key: where it lives, and the bytes read. */
interface StaleValue {
  key: string;
  /** The hash field; "" for the creds string. */
  field: string;
  read: Buffer;
  value: unknown;
  slot: string;
}

/** Where a session's credentials live: present once a session has started, gone after logout or DELETE. */
export const authCredsKey = (sessionId: string): string => `wag:auth:{${sessionId}}:creds`;

const typeKey = (sessionId: string, type: string) => `wag:auth:{${sessionId}}:keys:${type}`;
/** What each value is bound to (the AAD): its session, type and id. */
const slotOf = (sessionId: string, type: string, id: string) => `${sessionId}|${type}|${id}`;

interface Boxes {
  current: SealedBox;
  previous: SealedBox | undefined;
}

const boxesFor = (keys: AuthStateKeys): Boxes => ({ current: new SealedBox(keys.current), previous: keys.previous && new SealedBox(keys.previous) });

/** Opens a stored value under the current key, else under the previous one (`stale`); AuthUnreadableError if neither. */
function openStored(boxes: Boxes, sessionId: string, sealed: Buffer, slot: string): { json: string; stale: boolean } {
  try {
    return { json: boxes.current.open(sealed, slot), stale: false };
  } catch (err) {
    if (!boxes.previous) throw new AuthUnreadableError(sessionId, false, { cause: err });
    try {
      return { json: boxes.previous.open(sealed, slot), stale: true };
    } catch {
      throw new AuthUnreadableError(sessionId, true, { cause: err });
    }
  }
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
 *
 * Throws AuthUnreadableError when a stored value opens under neither key. During a key rotation, what was sealed under
 * the previous key is re-sealed under the current one: all of it at load time
 * when the creds were (a session's first start after the rotation), and any
 * value read later that still was.
 */
export async function useRedisAuthState(redis: Redis, sessionId: string, sealing: AuthStateKeys, fence: AuthFence): Promise<RedisAuthState> {
  const boxes = boxesFor(sealing);
  const credsKey = authCredsKey(sessionId);
  const slot = (type: string, id: string) => slotOf(sessionId, type, id);
  const encode = (value: unknown, s: string) => boxes.current.seal(JSON.stringify(value, BufferJSON.replacer), s);
  /** The value, and whether it was sealed under the previous key. */
  const decode = (sealed: Buffer, s: string): { value: unknown; stale: boolean } => {
    const { json, stale } = openStored(boxes, sessionId, sealed, s);
    return { value: JSON.parse(json, BufferJSON.reviver) as unknown, stale };
  };
  const reseal = async (stale: StaleValue[]): Promise<void> => {
    if (stale.length === 0) return;
    const args: (string | Buffer)[] = [fence.token];
    for (const v of stale) args.push(v.field, v.read, encode(v.value, v.slot));
    await fenced(FENCED_RESEAL, stale.map((v) => v.key), args);
  };

  const stored = await redis.getBuffer(credsKey);
  const opened = stored ? decode(stored, slot("creds", "")) : undefined;
  const creds = opened ? (opened.value as AuthenticationCreds) : initAuthCreds();
  const stale: StaleValue[] = [];
  if (stored && opened?.stale) {
    stale.push({ key: credsKey, field: "", read: stored, value: opened.value, slot: slot("creds", "") });
    for (const type of KEY_TYPES) {
      const all = await redis.hgetallBuffer(typeKey(sessionId, type));
      for (const [id, sealed] of Object.entries(all)) {
        const entry = decode(sealed, slot(type, id));
        if (entry.stale) stale.push({ key: typeKey(sessionId, type), field: id, read: sealed, value: entry.value, slot: slot(type, id) });
      }
    }
    await reseal(stale);
  }

  const keys: SignalKeyStore = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      if (ids.length === 0) return out;
      const values = await redis.hmgetBuffer(typeKey(sessionId, type), ...ids);
      const late: StaleValue[] = [];
      ids.forEach((id, i) => {
        const sealed = values[i];
        if (!sealed) return;
        const entry = decode(sealed, slot(type, id));
        // Written under the previous key by a worker not yet given the new one.
        if (entry.stale) late.push({ key: typeKey(sessionId, type), field: id, read: sealed, value: entry.value, slot: slot(type, id) });
        // Baileys expects a protobuf object here, not the plain JSON it was saved from.
        out[id] = (type === "app-state-sync-key" ? proto.Message.AppStateSyncKeyData.fromObject(entry.value as object) : entry.value) as SignalDataTypeMap[T];
      });
      await reseal(late);
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
        hashes.push(typeKey(sessionId, type));
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
    clear: () => clearAuthState(redis, sessionId, fence),
    resealed: stale.length,
  };
}

/**
 * Erases a session's creds and keys for good, fenced by its lease. It reads
 * nothing, so it works on auth state no key opens any more.
 */
export async function clearAuthState(redis: Redis, sessionId: string, fence: AuthFence): Promise<void> {
  const keys = [authCredsKey(sessionId), ...KEY_TYPES.map((type) => typeKey(sessionId, type))];
  if ((await FENCED_DELETE.run(redis, [fence.key, ...keys], [fence.token])) !== 1) throw new FenceLostError(sessionId);
}

/** Whether a session's stored creds open under the keys: "none" when it has none stored. */
export async function credsReadable(redis: Redis, sessionId: string, keys: AuthStateKeys): Promise<"readable" | "unreadable" | "none"> {
  const stored = await redis.getBuffer(authCredsKey(sessionId));
  if (!stored) return "none";
  try {
    openStored(boxesFor(keys), sessionId, stored, slotOf(sessionId, "creds", ""));
    return "readable";
  } catch (err) {
    if (err instanceof AuthUnreadableError) return "unreadable";
    throw err;
  }
}
