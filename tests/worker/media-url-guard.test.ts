import { afterAll, beforeAll, expect, test } from "bun:test";
import { jobEnqueuer, type JobEnqueuer } from "./support/job-enqueuer.ts";
import { serveFiles, type FileServer } from "./support/file-server.ts";
import { WorkerWorld } from "./support/worker-world.ts";

// Without --allow-private-media-urls, a media URL on 127.0.0.1 is refused wherever the job comes from.
let world: WorkerWorld;
let files: FileServer;
let raw: JobEnqueuer;
beforeAll(async () => {
  world = await WorkerWorld.start({ seed: "worker-media-guard" });
  files = serveFiles();
  raw = jobEnqueuer(world, "bullmq");
});
afterAll(async () => {
  await raw?.close();
  await files?.stop();
  await world?.stop();
});

const payload = () => ({ to: "6281234567890@s.whatsapp.net", type: "image" as const, media: files.add("/cat.jpg", new Uint8Array([0xff, 0xd8, 0xff]), "image/jpeg") });

test("the API refuses a loopback media URL with 400 MEDIA_URL_FORBIDDEN", async () => {
  const reply = await world.api("POST", "/api/v1/sessions/shop/messages/media", payload());
  expect(reply.status).toBe(400);
  expect(reply.body).toMatchObject({ success: false, code: "MEDIA_URL_FORBIDDEN" });
});

test("a raw BullMQ job with a loopback media URL fails for good with MEDIA_URL_FORBIDDEN, and the URL is never fetched", async () => {
  const job = await world.waitJob(await raw.add("SEND_MEDIA", { sessionId: "shop", ...payload() }));
  expect(job).toMatchObject({ state: "failed", attemptsMade: 1, failureCode: "MEDIA_URL_FORBIDDEN" });
  expect(files.requests).toEqual([]);
});
