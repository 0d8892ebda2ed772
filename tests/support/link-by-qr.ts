import { ControlError } from "../../src/simulator/control/control-views.ts";

/**
 * Linking by QR on today's WhatsApp, as a phone's owner does it: scan; when the server refreshes the
 * companion's registration ("Couldn't link device", companion_reg_refresh), scan the new QR the
 * companion shows. A companion that never shows a new QR (stock rc14) is never linked.
 */

/** Where the QR on the companion's screen can be read. */
export interface QrSource {
  /** The QR shown now, waiting (up to a deadline) for one other than `after`. */
  next(after?: string): Promise<string>;
}

/** One scan: linked, or refused by the server with the phone's "Couldn't link device". */
export type Scan = (qr: string) => Promise<"linked" | "refused">;

const DEFAULT_WAIT_MS = 15_000;

/** A QR read by polling, e.g. `GET /api/v1/sessions/{id}/qr`. */
export const polledQr = (read: () => Promise<string | undefined>, waitMs = DEFAULT_WAIT_MS): QrSource => ({
  async next(after) {
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      const qr = await read();
      if (qr && qr !== after) return qr;
      await Bun.sleep(25);
    }
    throw new Error(`no new QR within ${waitMs} ms${after ? " (the companion kept showing the refused one)" : ""}`);
  },
});

/** A QR pushed by events (Baileys' connection.update, the driver's "qr"): subscribe before it can come. */
export const pushedQr = (subscribe: (onQr: (qr: string) => void) => void, waitMs = DEFAULT_WAIT_MS): QrSource => {
  let latest: string | undefined;
  subscribe((qr) => (latest = qr));
  return polledQr(async () => latest, waitMs);
};

/** Scans through the simulator's in-process control. */
export const controlScan =
  (control: { scanQr(phone: string, qr: string): Promise<unknown> }, phone: string): Scan =>
  async (qr) => {
    try {
      await control.scanQr(phone, qr);
      return "linked";
    } catch (error) {
      if (error instanceof ControlError && error.code === "CONFLICT") return "refused";
      throw error;
    }
  };

/** Scans through the simulator's HTTP control API (`POST {base}/pairings/scan`). */
export const httpScan =
  (base: string, phone: string, headers: Record<string, string> = {}): Scan =>
  async (qr) => {
    const res = await fetch(`${base}/pairings/scan`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ phone, qr }) });
    if (res.status === 200) return "linked";
    if (res.status === 409) return "refused";
    throw new Error(`scan: ${res.status} ${await res.text()}`);
  };

/** Scans until linked; returns how many scans the server refused (its registration refreshes). */
export async function scanUntilLinked(source: QrSource, scan: Scan, maxScans = 4): Promise<number> {
  let qr = await source.next();
  for (let refused = 0; refused < maxScans; refused++) {
    if ((await scan(qr)) === "linked") return refused;
    qr = await source.next(qr);
  }
  throw new Error(`still not linked after ${maxScans} scans`);
}
