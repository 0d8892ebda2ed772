import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { loadConfig } from "../../src/config/config.ts";
import { apiKeyDigest, resolveSecrets } from "../../src/config/secrets.ts";
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
    expect(first.generated.sort()).toEqual(["authStateKey", "backendAuthToken", "dataKey", "webhookSecret"]);
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
    // Only what no worker shares (the webhook signing secret, the data key) is generated (and kept) by a coordinator alone.
    expect(ok.generated.sort()).toEqual(["dataKey", "webhookSecret"]);
    expect(resolveSecrets(coordinator)).toMatchObject({ generated: [], secrets: { webhookSecret: ok.secrets.webhookSecret! } });
  });

  test("a generated API key is kept only as its SHA-256; a data dir that kept it in clear is rewritten", () => {
    const config = configFor([]);
    const first = resolveSecrets(config);
    const key = first.secrets.apiKey!;
    expect(first.generated).toContain("apiKey");
    const text = readFileSync(first.path, "utf8");
    expect(text).not.toContain(key);
    expect(text).toContain(`API_KEY_SHA256=${Buffer.from(apiKeyDigest(key)).toString("hex")}`);
    const second = resolveSecrets(config);
    expect(second.secrets.apiKey).toBeUndefined();
    expect(Buffer.from(second.secrets.apiKeyDigest!).equals(Buffer.from(apiKeyDigest(key)))).toBe(true);

    // An older data dir: the key in clear. The next start keeps accepting it, and stops keeping it in clear.
    writeFileSync(first.path, text.replace(/API_KEY_SHA256=\S+/, `API_KEY=${key}`));
    const legacy = resolveSecrets(config);
    expect(Buffer.from(legacy.secrets.apiKeyDigest!).equals(Buffer.from(apiKeyDigest(key)))).toBe(true);
    expect(legacy.generated).toEqual([]);
    expect(readFileSync(first.path, "utf8")).not.toContain(key);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
  });
});
