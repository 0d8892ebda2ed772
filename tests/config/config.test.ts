import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/config.ts";
import { ConfigError } from "../../src/config/config-error.ts";
import { helpText } from "../../src/config/help.ts";
import { SETTINGS } from "../../src/config/settings.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const cwd = makeTempDir("wag-cfg-");
afterAll(() => cwd.remove());
const load = (argv: string[], env: Record<string, string> = {}, dir = cwd.path) => loadConfig({ argv, env, cwd: dir });

describe("config precedence", () => {
  test("defaults match contract A: coordinator on 8000, worker on 8001, data in ./data", () => {
    const all = load([]).config;
    expect(all.role).toBe("all");
    expect(all.port).toBe(8000);
    expect(all.dataDir).toBe(join(cwd.path, "data"));
    expect(all.backendUrl).toBe("http://localhost:8000");
    expect(load(["--role=worker"]).config.port).toBe(8001);
    expect(load(["--role=worker"]).config.workerEndpoint).toBe("http://localhost:8001");
  });

  test("flag beats env beats .env beats default", () => {
    const dir = makeTempDir("wag-cfg-");
    writeFileSync(join(dir.path, ".env"), "PORT=7003\nMAX_SESSIONS=7\nLOG_LEVEL='debug'\n# comment\nexport CONSUMERS=5 # trailing\n");
    try {
      const c = load(["--port", "7001"], { PORT: "7002", MAX_SESSIONS: "9" }, dir.path).config;
      expect(c.port).toBe(7001);
      expect(c.maxSessions).toBe(9);
      expect(c.logLevel).toBe("debug");
      expect(c.consumers).toBe(5);
      expect(load([], { PORT: "7002" }, dir.path).config.port).toBe(7002);
      expect(load([], {}, dir.path).config.port).toBe(7003);
    } finally {
      dir.remove();
    }
  });

  test("switches, durations, sizes and secrets parse", () => {
    const c = load(["--role=worker", "--standalone", "--shutdown-grace=3s", "--max-body-size=2mb"], {
      API_KEY: "k".repeat(20),
      AUTH_STATE_KEY: "ab".repeat(32),
    }).config;
    expect(c.standalone).toBe(true);
    expect(c.shutdownGraceMs).toBe(3000);
    expect(c.maxBodyBytes).toBe(2 * 1024 * 1024);
    expect(c.secrets.apiKey).toBe("k".repeat(20));
    expect(c.secrets.authStateKey?.length).toBe(32);
    expect(load([], { STANDALONE_MODE: "true", ROLE: "worker" }).config.standalone).toBe(true);
    // Contract A's Standalone Mode: MOCK_BACKEND_RESPONSES=true beside (or instead of) STANDALONE_MODE=true.
    expect(load([], { STANDALONE_MODE: "true", MOCK_BACKEND_RESPONSES: "true", ROLE: "worker" }).config.standalone).toBe(true);
    expect(load([], { MOCK_BACKEND_RESPONSES: "true", ROLE: "worker" }).config.standalone).toBe(true);
    expect(load([], { ROLE: "worker" }).config.standalone).toBe(false);
  });
});

describe("config errors name the flag or variable and what it accepts", () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [["--port=abc"], {}, /^--port must be an integer from 0 to 65535/],
    [[], { PORT: "70000" }, /^PORT must be an integer from 0 to 65535, got 70000/],
    [["--role=boss"], {}, /^--role must be one of all\|coordinator\|worker/],
    [["--frobnicate"], {}, /^unknown flag --frobnicate/],
    [["--max-sessions=0"], {}, /^--max-sessions must be an integer from 1/],
    [[], { REDIS_URL: "http://x" }, /^REDIS_URL must be a redis:\/\//],
    [[], { BACKEND_AUTH_TOKEN: "" }, /^BACKEND_AUTH_TOKEN must be at least 16 characters/],
    [[], { AUTH_STATE_KEY: "short" }, /^AUTH_STATE_KEY must be 32 bytes/],
    [[], { WEBHOOK_URL: "ftp://x" }, /^WEBHOOK_URL must be an http\(s\) URL/],
    [["--worker-id=bad id"], {}, /^--worker-id must be 1-64 characters/],
    [["--standalone"], {}, /^--standalone only applies to --role=worker/],
    [[], { MOCK_BACKEND_RESPONSES: "true" }, /^--mock-backend-responses \(MOCK_BACKEND_RESPONSES\) only applies to --role=worker/],
    [["--port"], {}, /^--port needs a value/],
    [["serve"], {}, /^unexpected argument "serve"/],
  ];
  for (const [argv, env, message] of cases) {
    test(`${JSON.stringify(argv)} ${JSON.stringify(env)}`, () => {
      expect(() => load(argv, env)).toThrow(ConfigError);
      expect(() => load(argv, env)).toThrow(message);
    });
  }

  test("a bad value in .env says it came from .env", () => {
    const dir = makeTempDir("wag-cfg-");
    writeFileSync(join(dir.path, ".env"), "LOG_LEVEL=loud\n");
    try {
      expect(() => load([], {}, dir.path)).toThrow(/^LOG_LEVEL \(in \.env\) must be one of/);
    } finally {
      dir.remove();
    }
  });
});

test("--help documents every setting with its flag and env name", () => {
  const help = helpText("9.9.9");
  for (const s of Object.values(SETTINGS)) {
    expect(help).toContain(s.env);
    if (s.flag) expect(help).toContain(`--${s.flag}`);
  }
  expect(load(["--help"]).command).toBe("help");
  expect(load(["--version"]).command).toBe("version");
});
