import type { Logger } from "../platform/logger.ts";
import { principalLabel } from "./auth.ts";
import type { Principal } from "./scopes.ts";

/** How often the usage of each key is written out. */
const FLUSH_MS = 10_000;

/**
 * Makes every use of a key attributable without a log line per request (which the send path cannot
 * afford): per key, the count of requests per route and the addresses they came from, written once
 * every ten seconds and when the gateway stops.
 */
export class KeyUsageLog {
  private window = new Map<string, { name?: string; routes: Map<string, number>; sources: Set<string> }>();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly log: Logger) {
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  readonly record = (principal: Principal, method: string, route: string, source: string): void => {
    const key = principalLabel(principal);
    let entry = this.window.get(key);
    if (!entry) {
      entry = { ...(principal.kind === "key" && { name: principal.name }), routes: new Map(), sources: new Set() };
      this.window.set(key, entry);
    }
    const name = `${method} ${route}`;
    entry.routes.set(name, (entry.routes.get(name) ?? 0) + 1);
    entry.sources.add(source);
  };

  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }

  private flush(): void {
    const window = this.window;
    this.window = new Map();
    for (const [key, entry] of window) {
      this.log.info({ key, ...(entry.name && { name: entry.name }), requests: Object.fromEntries(entry.routes), sources: [...entry.sources] }, "api key usage");
    }
  }
}
