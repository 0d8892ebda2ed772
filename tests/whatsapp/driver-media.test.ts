import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createSimulator, type Simulator } from "../../src/simulator/create-simulator.ts";
import { selfSignedCert } from "../../src/simulator/media/self-signed-cert.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { mediaSamples } from "./support/media-sender.ts";

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(30_000);

let sim: Simulator;
let dir: ReturnType<typeof makeTempDir>;
let caFile: string;
beforeAll(async () => {
  dir = makeTempDir("wa-driver-media-");
  caFile = join(dir.path, "media-ca.pem");
  await writeFile(caFile, selfSignedCert("driver-media-test", "127.0.0.1").cert);
  sim = await createSimulator({ seed: "driver-media-test" });
});
afterAll(async () => {
  await sim.stop();
  dir.remove();
});

test("sendMedia: every kind reaches the recipient with its bytes, mimetype (or the default), caption, fileName and ptt", async () => {
  const me = sim.control.createAccount({ name: "Media Sender" });
  const to = sim.control.createAccount({ name: "Media Recipient" });
  // Bun reads NODE_EXTRA_CA_CERTS only at start, so the driver runs in a child that trusts the media host.
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "support/media-sender.ts")], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile, MEDIA_SENDER: JSON.stringify({ url: sim.url, httpUrl: sim.httpUrl, rootKey: sim.rootPublicKey.toString("hex"), phone: me.phone, to: to.jid }) },
    stdout: "pipe",
    stderr: "inherit",
  });
  const output = await new Response(child.stdout).text();
  expect(await child.exited).toBe(0);
  const sent = output.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { label: string; messageId: string; sha256: string });
  expect(sent.map((s) => s.label)).toEqual(mediaSamples().map((s) => s.label));

  const expected: Record<string, { kind: string; mimetype: string; extra?: Record<string, unknown> }> = {
    image: { kind: "image", mimetype: "image/jpeg", extra: { caption: "an image" } },
    video: { kind: "video", mimetype: "video/mp4", extra: { caption: "a video" } },
    audio: { kind: "audio", mimetype: "audio/mpeg", extra: { ptt: false } },
    ptt: { kind: "ptt", mimetype: "audio/ogg; codecs=opus", extra: { ptt: true } },
    document: { kind: "document", mimetype: "application/pdf", extra: { fileName: "invoice.pdf", caption: "a document" } },
    sticker: { kind: "sticker", mimetype: "image/webp" },
  };
  for (const { label, messageId, sha256 } of sent) {
    const want = expected[label];
    const entry = await sim.control.waitForInbox(to.phone, (e) => e.id === messageId);
    const media = sim.control.downloadMedia(to.phone, messageId);
    expect(media.kind).toBe(want?.kind as typeof media.kind);
    expect(media.mimetype).toBe(want?.mimetype ?? "");
    expect(createHash("sha256").update(media.data).digest("hex")).toBe(sha256);
    const content = Object.values(entry.message).find((v) => typeof v === "object" && v && "mimetype" in v) as Record<string, unknown>;
    expect(content).toMatchObject(want?.extra ?? {});
  }
});

test("the simulator recorded no handler errors", () => {
  expect(sim.control.errors()).toEqual([]);
});
