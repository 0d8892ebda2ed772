import { formatWaVersion, type WaVersion } from "./wa-version.ts";

/**
 * Strict value parsers for settings. Each returns the parsed value or throws a
 * ParseError whose message says what the setting accepts; the config module
 * prefixes it with the flag or variable name, so a user always learns which
 * input was wrong and how to fix it.
 */
export class ParseError extends Error {}

export interface Parser<T> {
  (raw: string): T;
  /** Writes a value back as text this parser reads, so defaults in --help and the README are real input; String() when absent. */
  format?(value: T): string;
}

/** Writes `amount` in the largest unit that divides it evenly, so 86_400_000 ms reads as 1d. */
const inLargestUnit = (amount: number, units: Record<string, number>): string => {
  const [unit, size] = Object.entries(units).sort(([, a], [, b]) => b - a).find(([, size]) => amount % size === 0) ?? ["", 1];
  return `${amount / size}${unit}`;
};

export const oneOf =
  <const T extends string>(values: readonly T[]): Parser<T> =>
  (raw) => {
    if ((values as readonly string[]).includes(raw)) return raw as T;
    throw new ParseError(`must be one of ${values.join("|")}, got "${raw}"`);
  };

export const integer =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new ParseError(`must be an integer from ${min} to ${max}, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new ParseError(`must be an integer from ${min} to ${max}, got ${n}`);
    return n;
  };

export const port: Parser<number> = integer(0, 65535);

export const boolean: Parser<boolean> = (raw) => {
  const v = raw.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  throw new ParseError(`must be true or false, got "${raw}"`);
};

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Durations accept a unit ("500ms", "10s", "5m", "7d"); a bare number means milliseconds. */
export const duration: Parser<number> = Object.assign(
  (raw: string) => {
    const m = /^(\d+)(ms|s|m|h|d)?$/.exec(raw.trim());
    if (!m) throw new ParseError(`must be a duration like 500ms, 10s, 5m or 7d, got "${raw}"`);
    return Number(m[1]) * DURATION_UNITS[m[2] ?? "ms"]!;
  },
  { format: (ms: number) => inLargestUnit(ms, DURATION_UNITS) },
);

/** A duration that must be more than zero, e.g. an interval a timer runs at. */
export const positiveDuration: Parser<number> = Object.assign(
  (raw: string) => {
    const ms = duration(raw);
    if (ms <= 0) throw new ParseError(`must be a duration above zero like 500ms, 10s or 5m, got "${raw}"`);
    return ms;
  },
  { format: duration.format },
);

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Sizes accept a unit ("512kb", "25mb"); a bare number means bytes. */
export const byteSize: Parser<number> = Object.assign(
  (raw: string) => {
    const m = /^(\d+)(b|kb|mb|gb)?$/i.exec(raw.trim());
    if (!m || Number(m[1]) === 0) throw new ParseError(`must be a positive size like 512kb or 25mb, got "${raw}"`);
    return Number(m[1]) * SIZE_UNITS[(m[2] ?? "b").toLowerCase()]!;
  },
  { format: (bytes: number) => inLargestUnit(bytes, SIZE_UNITS) },
);

export const httpUrl: Parser<string> = (raw) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ParseError(`must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ParseError(`must be an http(s) URL, got "${raw}"`);
  return raw.replace(/\/+$/, "");
};

export const wsUrl: Parser<string> = (raw) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ParseError(`must be a ws(s) URL, got "${raw}"`);
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") throw new ParseError(`must be a ws(s) URL, got "${raw}"`);
  return raw;
};

/** Each part travels as a protobuf uint32 in the login payload, so anything larger cannot be announced. */
const UINT32_MAX = 0xffff_ffff;

/** A WA Web client version: three dot-separated integers, as WhatsApp writes it (2.3000.1043857760). */
export const waVersion: Parser<WaVersion> = Object.assign(
  (raw: string): WaVersion => {
    const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(raw.trim());
    const parts = m ? [Number(m[1]), Number(m[2]), Number(m[3])] as const : undefined;
    if (!parts || parts.some((n) => n > UINT32_MAX)) {
      throw new ParseError(`must be a WA Web version: three dot-separated integers like 2.3000.1234567890 (each at most ${UINT32_MAX}), got "${raw}"`);
    }
    return parts;
  },
  { format: formatWaVersion },
);

/** A Curve25519 public key: 32 bytes, as 64 hex digits or base64. */
export const publicKey32: Parser<Uint8Array> = (raw) => {
  try {
    return aes256Key(raw);
  } catch {
    throw new ParseError("must be a 32-byte public key, written as 64 hex digits or base64");
  }
};

export const redisUrl: Parser<string> = (raw) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ParseError("must be a redis://, rediss:// or unix:// URL");
  }
  if (!["redis:", "rediss:", "unix:"].includes(url.protocol)) {
    throw new ParseError("must be a redis://, rediss:// or unix:// URL");
  }
  return raw;
};

/** Worker ids travel in URL paths and logs, so keep them to a safe, bounded charset. */
export const identifier: Parser<string> = (raw) => {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(raw)) {
    throw new ParseError("must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
  }
  return raw;
};

export const nonEmpty: Parser<string> = (raw) => {
  if (raw.trim() === "") throw new ParseError("must not be empty");
  return raw;
};

/** Shared secrets must be long enough that guessing them over HTTP is hopeless. */
export const secretToken: Parser<string> = (raw) => {
  if (raw.length < 16) throw new ParseError("must be at least 16 characters");
  if (/\s/.test(raw)) throw new ParseError("must not contain whitespace");
  return raw;
};

/** AES-256 needs exactly 32 bytes: accept them as 64 hex digits or as base64. */
export const aes256Key: Parser<Uint8Array> = (raw) => {
  const v = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Uint8Array.from(Buffer.from(v, "hex"));
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(v)) {
    const bytes = Buffer.from(v, "base64");
    if (bytes.length === 32) return Uint8Array.from(bytes);
  }
  throw new ParseError("must be 32 bytes, written as 64 hex digits or base64");
};
