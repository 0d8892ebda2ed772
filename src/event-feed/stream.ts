import type { EventLedgerStore } from "../registry/events/event-ledger-store.ts";
import { toEnvelope } from "./envelope.ts";
import type { EventFilter, EventReads } from "./service.ts";

/** Bun closes a connection idle for 10 s; a comment line this often keeps a quiet stream open. */
const KEEP_ALIVE_MS = 5000;
const PAGE = 200;
/** Frames buffered for a slow client before the stream stops reading the ledger and waits for it. */
const HIGH_WATER_FRAMES = 256;

/**
 * A Server-Sent Events stream of the ledger from `afterPosition` on: what is
 * stored already, then each event as it is stored. Each frame's `id:` is the
 * eventId, so a client that reconnects with Last-Event-ID misses nothing. It
 * reads the ledger only as fast as the client takes frames.
 */
export function eventStream(deps: { reads: EventReads; ledger: EventLedgerStore }, filter: EventFilter, afterPosition: number, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let position = afterPosition;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let closed = false;
  let unsubscribe = () => {};
  let keepAlive: ReturnType<typeof setInterval> | undefined;

  let pumping = false;
  const pump = () => {
    // enqueue can call pull (this) synchronously; one pass at a time, or frames would repeat.
    if (pumping) return;
    pumping = true;
    try {
      while (controller && !closed && (controller.desiredSize ?? 0) > 0) {
        const rows = deps.reads.read({ ...filter, afterPosition: position, limit: PAGE });
        for (const row of rows) {
          position = row.position;
          controller.enqueue(encoder.encode(`id: ${row.eventId}\ndata: ${JSON.stringify(toEnvelope(row))}\n\n`));
        }
        if (rows.length < PAGE) return;
      }
    } finally {
      pumping = false;
    }
  };
  const stop = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(keepAlive);
  };

  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        unsubscribe = deps.ledger.onAppend(pump);
        keepAlive = setInterval(() => c.enqueue(encoder.encode(": keep-alive\n\n")), KEEP_ALIVE_MS);
        signal.addEventListener("abort", () => {
          if (closed) return;
          stop();
          c.close();
        });
        // EventSource clients reconnect after 2 s, sending Last-Event-ID.
        c.enqueue(encoder.encode("retry: 2000\n\n"));
      },
      pull: pump,
      cancel: stop,
    },
    { highWaterMark: HIGH_WATER_FRAMES },
  );
}
