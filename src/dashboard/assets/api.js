// Talks to the gateway with the API key as a header (never in a URL). The key lives in sessionStorage only.
const KEY = "wa-gateway.apiKey";

export const auth = {
  get: () => sessionStorage.getItem(KEY),
  set: (key) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function headers(extra = {}) {
  return { authorization: `Bearer ${auth.get() ?? ""}`, ...extra };
}

async function check(res) {
  if (res.ok) return res;
  const body = (res.headers.get("content-type") ?? "").includes("json") ? await res.json().catch(() => null) : null;
  // A key that stopped working (rotated, or the gateway restarted with another) signs the tab out.
  if (res.status === 401) window.dispatchEvent(new CustomEvent("unauthorized"));
  throw new ApiError(res.status, body?.code ?? `HTTP_${res.status}`, body?.error ?? res.statusText);
}

/** JSON in, JSON out. Gateway routes answer {success, data}; /sim answers the object itself. */
export async function api(path, { method = "GET", body } = {}) {
  const init = { method, headers: headers(body === undefined ? {} : { "content-type": "application/json" }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await check(await fetch(path, init));
  return res.status === 204 ? null : await res.json();
}

/** A binary resource (the QR PNG) as a blob: an <img src> cannot carry the header. */
export async function apiBlob(path) {
  return await (await check(await fetch(path, { headers: headers(), cache: "no-store" }))).blob();
}

/**
 * Server-Sent Events over fetch: EventSource cannot send headers. Calls onEvent
 * with each frame's parsed data until the signal aborts; resumes after a drop
 * with Last-Event-ID so nothing is missed.
 */
export async function streamEvents(path, onEvent, signal, onState = () => {}) {
  let lastId;
  while (!signal.aborted) {
    try {
      const res = await check(await fetch(path, { headers: headers(lastId ? { "last-event-id": lastId } : {}), signal }));
      onState("live");
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const frame = parseFrame(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (frame.id) lastId = frame.id;
          if (frame.data) onEvent(JSON.parse(frame.data));
        }
      }
    } catch (err) {
      if (signal.aborted || (err instanceof ApiError && err.status === 401)) return;
    }
    onState("reconnecting");
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function parseFrame(text) {
  const frame = { id: undefined, data: "" };
  for (const line of text.split("\n")) {
    if (line.startsWith("id:")) frame.id = line.slice(3).trim();
    else if (line.startsWith("data:")) frame.data += line.slice(5).trimStart();
  }
  return frame;
}
