/** A named dependency that /ready probes, e.g. Redis or SQLite. */
export interface ReadinessProbe {
  name: string;
  check(): Promise<void> | void;
}

const PROBE_TIMEOUT_MS = 1000;

/** Runs every probe at once, each bounded in time, and says which ones failed and why. */
export async function checkReadiness(probes: readonly ReadinessProbe[]): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const results = await Promise.all(
    probes.map(async (probe): Promise<[string, string]> => {
      try {
        await Promise.race([
          Promise.resolve().then(() => probe.check()),
          Bun.sleep(PROBE_TIMEOUT_MS).then(() => {
            throw new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`);
          }),
        ]);
        return [probe.name, "ok"];
      } catch (err) {
        return [probe.name, err instanceof Error ? err.message : String(err)];
      }
    }),
  );
  const checks = Object.fromEntries(results);
  return { ready: results.every(([, r]) => r === "ok"), checks };
}
