import { Type, type SchemaOptions, type TLiteral, type TUnion } from "@sinclair/typebox";
import { ChatJid, UserJid } from "./jid.ts";

/*
 * Building blocks shared by several payloads. Unknown properties are dropped,
 * never an error, on both paths (HTTP and queue), so a producer that adds its
 * own tracking fields is not punished.
 */

/** Session ids end up in Redis keys, URL paths and file names, so keep them to a safe charset. */
export const SessionId = Type.String({
  pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
  error: "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
  description: "The producer's name for the WhatsApp session (the sender)",
  examples: ["user-123"],
});

/** International format, digits only (a leading + is tolerated): what WhatsApp's pairing-code login needs. */
export const PhoneNumber = Type.String({
  pattern: "^\\+?[0-9]{6,15}$",
  error: "must be a phone number with country code: 6-15 digits, optional leading +",
  examples: ["6281234567890"],
});

export const MessageText = Type.String({ minLength: 1, maxLength: 65_536, examples: ["Halo, ini pesan dari API!"] });

/** Identifies an existing message, as WhatsApp's `key` does. */
export const MessageKey = Type.Object(
  {
    remoteJid: ChatJid,
    fromMe: Type.Boolean(),
    id: Type.String({ minLength: 1, maxLength: 128, description: "The target message's id", examples: ["BAE5F0A1B2C3D4E5"] }),
    participant: Type.Optional({
      ...ChatJid,
      description: "Who sent the target message, for messages in groups (an addition to contract B; WhatsApp needs it there)",
    }),
  },
  { description: "The key of the message being reacted to or quoted" },
);

export const Participants = Type.Array(UserJid, { minItems: 1, maxItems: 1024, uniqueItems: true });

type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

/** A union of string literals that keeps its tuple type, so Elysia infers the exact union for handlers. */
export function literalUnion<const T extends readonly string[]>(values: T, options?: SchemaOptions): TUnion<Literals<T>> {
  // map() loses the tuple type that the casts restore: each element is the literal of the same index.
  const members = values.map((v) => Type.Literal(v)) as unknown as Literals<T>;
  return Type.Union(members, options) as TUnion<Literals<T>>;
}
