import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { loadConfig } from "../../src/config/config.ts";
import { resolveSecrets } from "../../src/config/secrets.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const dirs: { remove(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.remove()));

function configFor(argv: string[], env: Record<string, string> = {}) {
  const data = makeTempDir("wag-sec-");
  dirs.push(data);
  return loadConfig({ argv: [...argv, `--data-dir=${data.path}`], env, cwd: data.path }).config;
}

describe("secrets", () => {
  test("--role=all generates missing secrets once, 0600, and reuses them on the next start", () => {
    const config = configFor([], { API_KEY: "given-api-key-123456" });
    const first = resolveSecrets(config);
    expect(first.generated.sort()).toEqual(["authStateKey", "backendAuthToken", "webhookSecret"]);
    expect(first.secrets.apiKey).toBe("given-api-key-123456");
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    const text = readFileSync(first.path, "utf8");
    expect(text).not.toContain("given-api-key");
    const second = resolveSecrets(config);
    expect(second.generated).toEqual([]);
    expect(second.secrets.backendAuthToken).toBe(first.secrets.backendAuthToken!);
    expect(Buffer.from(second.secrets.authStateKey!).equals(Buffer.from(first.secrets.authStateKey!))).toBe(true);
  });

  test("a coordinator alone refuses to start without its secrets and names each one", () => {
    expect(() => resolveSecrets(configFor(["--role=coordinator"]))).toThrow("--role=coordinator needs BACKEND_AUTH_TOKEN, API_KEY");
    expect(() => resolveSecrets(configFor(["--role=worker"]))).toThrow("--role=worker needs BACKEND_AUTH_TOKEN, AUTH_STATE_KEY");
    expect(() => resolveSecrets(configFor(["--role=worker", "--standalone"]))).toThrow("--role=worker --standalone needs AUTH_STATE_KEY");
    const coordinator = configFor(["--role=coordinator"], { BACKEND_AUTH_TOKEN: "t".repeat(16), API_KEY: "a".repeat(16) });
    const ok = resolveSecrets(coordinator);
    // Only the webhook signing secret, which no peer shares, is generated (and kept) by a coordinator alone.
    expect(ok.generated).toEqual(["webhookSecret"]);
    expect(resolveSecrets(coordinator)).toMatchObject({ generated: [], secrets: { webhookSecret: ok.secrets.webhookSecret! } });
  });
});
