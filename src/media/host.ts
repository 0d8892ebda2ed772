import { checkPublicHost, type Resolver } from "../net/public-host.ts";
import type { MediaProblem } from "./source.ts";

export interface HostRules {
  /** Let media URLs point at private/loopback/link-local hosts (a lab, or the WhatsApp simulator). */
  allowPrivateUrls: boolean;
  /** DNS resolution, replaceable in tests; all addresses of the host. */
  resolve?: Resolver;
}

/**
 * Resolves the URL's host once and vets every address it has. A downloader
 * must connect only to the addresses returned: resolving the name again could
 * give a different (private) answer, which is DNS rebinding.
 */
export async function vetHost(url: URL, rules: HostRules): Promise<{ addresses: string[] } | MediaProblem> {
  const check = await checkPublicHost(url.hostname, rules.resolve);
  if (check.ok) return { addresses: check.addresses };
  if (check.reason === "unresolvable") return { code: "MEDIA_URL_UNRESOLVABLE", message: check.message };
  if (rules.allowPrivateUrls) return { addresses: check.addresses };
  return { code: "MEDIA_URL_FORBIDDEN", message: `${check.message}; media URLs must be public unless ALLOW_PRIVATE_MEDIA_URLS is set` };
}
