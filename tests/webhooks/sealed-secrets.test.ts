import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { SealedBox } from "../../src/platform/sealed-box.ts";
import { SqliteWebhookSubscriptionStore } from "../../src/webhooks/sqlite-webhook-subscription-store.ts";
import { DATA_KEY, startHarness, startReceiver, type Harness } from "./support.ts";

/*
 * Secrets at rest (issue 17.8): subscription secrets are sealed under DATA_KEY in the database, opened only
 * to sign; secrets an older version kept in clear are sealed on the next start; the file is 0600.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const SECRET = "subscriber-secret-sealed-0123456789";

test("a subscription's secret is sealed in the database, and webhooks are still signed with it", async () => {
  const r = startReceiver();
  try {
    const made = await h.call("POST", "/api/v1/webhooks/subscriptions", { url: r.url, secret: SECRET });
    expect(made.status).toBe(201);
    const stored = h.db.sqlite.query("SELECT secret FROM webhook_subscriptions WHERE url = ?").get(r.url) as { secret: string };
    expect(stored.secret).toStartWith("sealed:");
    expect(stored.secret).not.toContain(SECRET);
    expect(h.db.sqlite.query("SELECT count(*) AS n FROM webhook_subscriptions WHERE secret LIKE ?").get(`%${SECRET}%`)).toEqual({ n: 0 });

    await h.event("session_connected", { sessionId: "s1", data: { phoneNumber: "+628111" } });
    await r.waitFor(1);
    const got = r.received[0]!;
    const expected = createHmac("sha256", SECRET).update(`${got.headers.get("x-webhook-timestamp")}.${got.body}`).digest("hex");
    expect(got.headers.get("x-webhook-signature")).toBe(`v1=${expected}`);
  } finally {
    r.stop();
  }
});

test("the database file is 0600", () => {
  const file = h.db.sqlite.filename;
  for (const path of [file, `${file}-wal`]) expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(join(file)).toEndWith("wa-gateway.db");
});

test("a secret kept in clear by an older version is sealed on start; another DATA_KEY cannot open it", () => {
  const sqlite = new Database(":memory:");
  sqlite.run(`CREATE TABLE webhook_subscriptions (id TEXT PRIMARY KEY, kind TEXT NOT NULL, url TEXT NOT NULL, secret TEXT NOT NULL, events TEXT NOT NULL DEFAULT '["*"]',
    session_id TEXT, description TEXT, enabled INTEGER NOT NULL DEFAULT 1, disabled_reason TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`);
  sqlite.run("INSERT INTO webhook_subscriptions (id, kind, url, secret, created_at, updated_at) VALUES ('old', 'custom', 'https://example.com/h', ?, 1, 1)", [SECRET]);
  const store = new SqliteWebhookSubscriptionStore(drizzle(sqlite), new SealedBox(DATA_KEY));
  expect(store.all()[0]!.secret).toBe(SECRET);
  expect(store.sealPlaintext()).toBe(1);
  expect(store.sealPlaintext()).toBe(0);
  const raw = (sqlite.query("SELECT secret FROM webhook_subscriptions").get() as { secret: string }).secret;
  expect(raw).toStartWith("sealed:");
  expect(raw).not.toContain(SECRET);
  expect(store.all()[0]!.secret).toBe(SECRET);
  // Sealed under another key, or moved to another row: it does not open (nothing is signed with a guess).
  expect(() => new SqliteWebhookSubscriptionStore(drizzle(sqlite), new SealedBox(new Uint8Array(32).fill(9))).all()).toThrow();
  sqlite.run("UPDATE webhook_subscriptions SET id = 'moved'");
  expect(() => store.all()).toThrow();
});
