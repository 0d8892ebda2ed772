/**
 * Runs fetchMedia in its own process, because Bun reads NODE_EXTRA_CA_CERTS
 * only at start. FETCH_CASES is a JSON list of { media, resolveTo }; prints
 * one JSON line with each outcome.
 */
import { fetchMedia } from "../../../src/media/download.ts";
import { JobFailure } from "../../../src/contracts/jobs/job-failure.ts";

const cases = JSON.parse(process.env.FETCH_CASES ?? "[]") as { media: string; resolveTo: string }[];
const outcomes = [];
for (const { media, resolveTo } of cases) {
  try {
    const got = await fetchMedia(media, { maxBytes: 1 << 20, allowPrivateUrls: true, timeoutMs: 5000, resolve: async () => [resolveTo] });
    outcomes.push({ text: Buffer.from(got.data).toString(), mimetype: got.mimetype });
  } catch (err) {
    outcomes.push(err instanceof JobFailure ? { code: err.code, message: err.message } : { crash: String(err) });
  }
}
console.log(JSON.stringify(outcomes));
