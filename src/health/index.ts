import { Elysia } from "elysia";
import { requires } from "../http/auth.ts";
import type { Role } from "../config/settings.ts";
import type { ErrorCode } from "../contracts/worker-api/error-codes.ts";
import { HealthResponse, NotReadyResponse, ReadyResponse } from "./model.ts";
import { checkReadiness, type ReadinessProbe } from "./service.ts";

/** Public liveness and readiness endpoints for load balancers and orchestrators. */
export function healthRoutes(opts: { version: string; role: Role; probes: readonly ReadinessProbe[] }) {
  const startedAt = performance.now();
  return new Elysia({ name: "health", detail: { tags: ["Health"], ...requires("public") } })
    .get(
      "/health",
      () => ({ status: "ok" as const, version: opts.version, role: opts.role, uptime: Math.round((performance.now() - startedAt) / 1000) }),
      { response: HealthResponse, detail: { summary: "Liveness: the process is up" } },
    )
    .get(
      "/ready",
      async ({ status }) => {
        const { ready, checks } = await checkReadiness(opts.probes);
        if (ready) return { status: "ready" as const, checks };
        const failed = Object.entries(checks).filter(([, r]) => r !== "ok").map(([n, r]) => `${n}: ${r}`);
        return status(503, { success: false as const, error: `not ready: ${failed.join("; ")}`, code: "NOT_READY" as const satisfies ErrorCode, checks });
      },
      { response: { 200: ReadyResponse, 503: NotReadyResponse }, detail: { summary: "Readiness: Redis and the database answer" } },
    );
}
