import type { IncomingMessage } from "node:http";
import { JobFailure } from "../contracts/jobs/job-failure.ts";
import { downloadFileName } from "./file-name.ts";
import { vetHost } from "./host.ts";
import { pinnedGet } from "./pinned-get.ts";
import type { MediaPolicy } from "./policy.ts";
import { checkBase64, type MediaProblem, parseMedia, tooLarge } from "./source.ts";

export interface FetchMediaOptions extends MediaPolicy {
  /** The whole download, redirects included. */
  timeoutMs?: number;
}

interface FetchedMedia {
  data: Uint8Array;
  /** From a data: URL or the Content-Type header. */
  mimetype?: string;
  /** From Content-Disposition or the URL's path. */
  fileName?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * The bytes of a SEND_MEDIA job's `media`: base64 decoded, or an http(s) URL
 * downloaded under the same policy as the API applies (size limit, public
 * hosts only unless allowed). Every host, redirects included, is resolved once
 * and connected to only at the addresses that were checked. Fails with a
 * JobFailure carrying contract B's code: MEDIA_FETCH_FAILED (retried) for
 * network errors, timeouts, non-2xx answers and names that do not resolve.
 */
export async function fetchMedia(media: string, opts: FetchMediaOptions): Promise<FetchedMedia> {
  const source = parseMedia(media);
  if ("code" in source) throw failure(source);
  if (source.kind === "url") return downloadUrl(source.url, opts, (url) => vetHost(url, opts));
  const problem = checkBase64(source.encoded, opts.maxBytes);
  if (problem) throw failure(problem);
  const data = Buffer.from(source.encoded, "base64");
  return source.mimetype === undefined ? { data } : { data, mimetype: source.mimetype };
}

/** Vets a URL's host: its addresses, resolved once, or why it must not be fetched. */
type HostVetter = (url: URL) => ReturnType<typeof vetHost>;

/** Downloads `start`, following up to 5 redirects; `vet` checks each hop before it is connected to. */
export async function downloadUrl(start: URL, opts: { maxBytes: number; timeoutMs?: number }, vet: HostVetter): Promise<FetchedMedia> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let url = start;
  try {
    for (let redirects = 0; ; redirects++) {
      const vetted = await vet(url);
      if ("code" in vetted) throw failure(vetted);
      abort.signal.throwIfAborted();
      const res = await pinnedGet(url, vetted.addresses, abort.signal);
      const status = res.statusCode ?? 0;
      if (REDIRECT_STATUSES.has(status) && res.headers.location !== undefined) {
        res.destroy();
        if (redirects === MAX_REDIRECTS) throw fetchFailed(`more than ${MAX_REDIRECTS} redirects from host "${start.hostname}"`);
        url = nextHop(url, res.headers.location);
        continue;
      }
      if (status < 200 || status > 299) {
        res.destroy();
        throw fetchFailed(`host "${url.hostname}" answered HTTP ${status}`);
      }
      const data = await readBody(res, opts.maxBytes);
      const mimetype = res.headers["content-type"]?.trim();
      const fileName = downloadFileName(res.headers["content-disposition"], url);
      return { data, ...(mimetype ? { mimetype } : {}), ...(fileName ? { fileName } : {}) };
    }
  } catch (err) {
    if (err instanceof JobFailure) throw err;
    if (abort.signal.aborted) throw fetchFailed(`the download from host "${url.hostname}" did not finish within ${timeoutMs} ms`);
    throw fetchFailed(`the download from host "${url.hostname}" failed: ${describe(err, url)}`);
  } finally {
    clearTimeout(timer);
  }
}

function nextHop(from: URL, location: string): URL {
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    throw fetchFailed(`host "${from.hostname}" redirected to an invalid URL`);
  }
  if (to.protocol !== "http:" && to.protocol !== "https:") {
    throw failure({ code: "MEDIA_URL_FORBIDDEN", message: `host "${from.hostname}" redirected to a ${to.protocol} URL; only http(s) is fetched` });
  }
  return to;
}

/** The body, refused as soon as it is known to exceed maxBytes (from Content-Length, or while streaming). */
async function readBody(res: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const length = Number(res.headers["content-length"] ?? Number.NaN);
  const declared = Number.isSafeInteger(length) ? length : undefined;
  if (declared !== undefined && declared > maxBytes) {
    res.destroy();
    throw failure(tooLarge(`the download is ${declared} bytes (Content-Length)`, maxBytes));
  }
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > maxBytes) {
      res.destroy();
      throw failure(tooLarge(`the download passed ${received} bytes`, maxBytes));
    }
    chunks.push(chunk);
  }
  if (declared !== undefined && received !== declared) throw fetchFailed(`the download ended after ${received} of ${declared} bytes`);
  return Buffer.concat(chunks);
}

/** An error's code or message, without the URL: its query string or credentials may be secret. */
function describe(err: unknown, url: URL): string {
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && code !== "") return code;
  const message = err instanceof Error ? err.message : String(err);
  return message.split(url.href).join("<url>");
}

function fetchFailed(detail: string): JobFailure {
  return new JobFailure("MEDIA_FETCH_FAILED", `data.media: ${detail}`);
}

function failure(problem: MediaProblem): JobFailure {
  // A name that does not resolve may be a DNS hiccup: worth the retries (as the job intake decides too).
  if (problem.code === "MEDIA_URL_UNRESOLVABLE") return fetchFailed(problem.message);
  return new JobFailure(problem.code, `data.media: ${problem.message}`);
}
