import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { isPublicAddress } from "./address.ts";
import type { MediaProblem } from "./source.ts";

export interface HostRules {
  /** Let media URLs point at private/loopback/link-local hosts (a lab, or the WhatsApp simulator). */
  allowPrivateUrls: boolean;
  /** DNS resolution, replaceable in tests; all addresses of the host. */
  resolve?: (hostname: string) => Promise<string[]>;
}

const DNS_TIMEOUT_MS = 3000;

/**
 * Resolves the URL's host once and vets every address it has. A downloader
 * must connect only to the addresses returned: resolving the name again could
 * give a different (private) answer, which is DNS rebinding.
 */
export async function vetHost(url: URL, rules: HostRules): Promise<{ addresses: string[] } | MediaProblem> {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  let addresses: string[];
  if (isIP(host) !== 0) addresses = [host];
  else {
    try {
      addresses = await withTimeout((rules.resolve ?? resolveAll)(host), DNS_TIMEOUT_MS);
    } catch {
      addresses = [];
    }
  }
  if (addresses.length === 0) return { code: "MEDIA_URL_UNRESOLVABLE", message: `host "${host}" does not resolve` };
  const blocked = rules.allowPrivateUrls ? undefined : addresses.find((a) => !isPublicAddress(a));
  if (blocked === undefined) return { addresses };
  const what = blocked === host ? `host "${host}" is` : `host "${host}" resolves to ${blocked},`;
  return { code: "MEDIA_URL_FORBIDDEN", message: `${what} a private, loopback or link-local address; media URLs must be public unless ALLOW_PRIVATE_MEDIA_URLS is set` };
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
