import { VERSION } from "../platform/version.ts";
import type { PinnedTarget } from "../net/webhook-target-url.ts";

export interface PostResult {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

/** Longest part of a receiver's error body kept with the attempt. */
const MAX_ERROR_BODY = 200;

/**
 * One webhook POST. Redirects are not followed (a redirect could lead to an
 * address that was never checked); a timeout, a network error or a non-2xx
 * answer is reported, never thrown.
 */
export async function postWebhook(target: PinnedTarget, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(target.url, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "user-agent": `wa-gateway/${VERSION}`, ...headers, ...target.headers },
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      ...(target.tls && { tls: target.tls }),
    });
    // Read the answer so the connection can be reused.
    const text = await res.text();
    const ok = res.status >= 200 && res.status < 300;
    return { statusCode: res.status, latencyMs: latency(), error: ok ? null : `HTTP ${res.status}${text ? `: ${text.slice(0, MAX_ERROR_BODY)}` : ""}` };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return { statusCode: null, latencyMs: latency(), error: timedOut ? `no answer within ${timeoutMs} ms` : err instanceof Error ? err.message : String(err) };
  }
}
