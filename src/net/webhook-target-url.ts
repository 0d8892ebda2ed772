import { checkServerIdentity } from "node:tls";
import { AppError } from "../http/errors.ts";
import { checkPublicHost, type Resolver } from "./public-host.ts";

/** Which webhook URLs may be used; the same policy applies when one is set and at every delivery. */
export interface WebhookUrlPolicy {
  /** Let webhook URLs point at private, loopback and link-local hosts. */
  allowPrivate: boolean;
  resolve?: Resolver;
}

/** How to reach a webhook URL: connect to the checked address, but speak to the named host (Host header, TLS name). */
export interface PinnedTarget {
  url: string;
  headers: Record<string, string>;
  tls?: { serverName: string; checkServerIdentity: typeof checkServerIdentity };
}

type TargetCheck = { ok: true; target: PinnedTarget } | { ok: false; code: "WEBHOOK_URL_INVALID" | "WEBHOOK_URL_FORBIDDEN" | "WEBHOOK_URL_UNRESOLVABLE"; message: string };

/**
 * Checks a webhook URL and pins it to an address that passed: http(s) only,
 * and unless private hosts are allowed, a host whose every address is
 * public. The delivery then connects to that address, not to whatever the name
 * resolves to a moment later.
 */
export async function pinWebhookUrl(raw: string, policy: WebhookUrlPolicy): Promise<TargetCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, code: "WEBHOOK_URL_INVALID", message: "is not a valid URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, code: "WEBHOOK_URL_INVALID", message: "must be an http(s) URL" };
  if (url.username || url.password) return { ok: false, code: "WEBHOOK_URL_INVALID", message: "must not carry credentials; authenticate receivers by the signature" };
  if (policy.allowPrivate) return { ok: true, target: { url: url.href, headers: {} } };
  const host = await checkPublicHost(url.hostname, policy.resolve);
  if (!host.ok) {
    const code = host.reason === "unresolvable" ? "WEBHOOK_URL_UNRESOLVABLE" : "WEBHOOK_URL_FORBIDDEN";
    return { ok: false, code, message: `${host.message}${host.reason === "forbidden" ? "; webhook URLs must be public unless ALLOW_PRIVATE_WEBHOOK_URLS is set" : ""}` };
  }
  const name = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const address = host.addresses[0]!;
  if (address === name) return { ok: true, target: { url: url.href, headers: {} } };
  const pinned = new URL(url.href);
  pinned.hostname = address.includes(":") ? `[${address}]` : address;
  return {
    ok: true,
    target: {
      url: pinned.href,
      headers: { host: url.host },
      ...(url.protocol === "https:" && { tls: { serverName: name, checkServerIdentity: (_: string, cert) => checkServerIdentity(name, cert) } }),
    },
  };
}

/** For the API: refuses a URL that cannot be used, as 400 with the field named. */
export async function requireWebhookUrl(raw: string, policy: WebhookUrlPolicy, field: string): Promise<void> {
  const checked = await pinWebhookUrl(raw, policy);
  if (!checked.ok) throw new AppError(400, checked.code, `Invalid ${field}: ${checked.message}`);
}
