import { type IncomingMessage, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";

/**
 * GETs `url` over a new connection to one of `addresses` (already vetted),
 * never resolving the name again: Bun's node:http(s) connects to what the
 * `lookup` option answers (tests/media/download.test.ts proves it). Everything
 * else still comes from the URL: the Host header, and for https the SNI name
 * and the certificate check against the hostname, with the process's trust
 * store (Bun's roots plus NODE_EXTRA_CA_CERTS).
 */
export function pinnedGet(url: URL, addresses: string[], signal: AbortSignal): Promise<IncomingMessage> {
  const lookup: LookupFunction = (_hostname, options, callback) => {
    const first = addresses[0] ?? "";
    if (options.all) callback(null, addresses.map((address) => ({ address, family: isIP(address) })));
    else callback(null, first, isIP(first));
  };
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    // agent: false, so no pooled socket from an earlier resolution is reused; identity, so maxBytes counts what is kept.
    const req = send(url, { method: "GET", lookup, agent: false, signal, headers: { "accept-encoding": "identity" } }, resolve);
    req.on("error", reject);
    req.end();
  });
}
