import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { isPublicAddress } from "./address.ts";

/** DNS resolution, replaceable in tests: every address of the host. */
export type Resolver = (hostname: string) => Promise<string[]>;

type HostCheck =
  | { ok: true; addresses: string[] }
  | { ok: false; reason: "unresolvable"; message: string }
  /** `addresses` are all the host's addresses, for a caller allowed to use private ones anyway. */
  | { ok: false; reason: "forbidden"; address: string; addresses: string[]; message: string };

const DNS_TIMEOUT_MS = 3000;

/**
 * Resolves `host` (a name or an IP literal, brackets allowed) and refuses it
 * unless every address is public. A server-side request to a URL an
 * integrator chose must connect only to an address that passed this check,
 * since a name can resolve differently a second time (DNS rebinding).
 */
export async function checkPublicHost(host: string, resolve: Resolver = resolveAll): Promise<HostCheck> {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  let addresses: string[];
  if (isIP(bare) !== 0) addresses = [bare];
  else {
    try {
      addresses = await withTimeout(resolve(bare), DNS_TIMEOUT_MS);
    } catch {
      addresses = [];
    }
  }
  if (addresses.length === 0) return { ok: false, reason: "unresolvable", message: `host "${bare}" does not resolve` };
  const blocked = addresses.find((a) => !isPublicAddress(a));
  if (blocked === undefined) return { ok: true, addresses };
  const what = blocked === bare ? `host "${bare}" is` : `host "${bare}" resolves to ${blocked},`;
  return { ok: false, reason: "forbidden", address: blocked, addresses, message: `${what} a private, loopback or link-local address` };
}

async function resolveAll(hostname: string): Promise<string[]> {
  return (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
