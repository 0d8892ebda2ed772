/**
 * The driver in its own process, because Bun reads NODE_EXTRA_CA_CERTS (the simulator's media
 * certificate) only at process start. It pairs through the control API, sends one media message of
 * each kind through WhatsAppSession.sendMedia, reports each result as a JSON line, and exits.
 */
import { createHash } from "node:crypto";
import type { OutgoingMedia } from "../../../src/whatsapp/driver.ts";
import { createBaileysDriver } from "../../../src/whatsapp/baileys/baileys-driver.ts";
import { MemoryPollStore, OpenedSession, sessionAuth, testLog } from "./driver-harness.ts";
import { httpScan, scanUntilLinked } from "../../support/link-by-qr.ts";

const config = JSON.parse(process.env.MEDIA_SENDER ?? "{}") as { url: string; httpUrl: string; rootKey: string; phone: string; to: string };
const report = (line: Record<string, unknown>) => console.log(JSON.stringify(line));

export const mediaSamples = (): (OutgoingMedia & { label: string })[] => {
  const bytes = (label: string) => new Uint8Array(Buffer.from(`${label}:`.repeat(700)));
  return [
    { label: "image", type: "image", data: bytes("image"), caption: "an image" },
    { label: "video", type: "video", data: bytes("video"), mimetype: "video/mp4", caption: "a video" },
    { label: "audio", type: "audio", data: bytes("audio") },
    { label: "ptt", type: "audio", data: bytes("ptt"), ptt: true },
    { label: "document", type: "document", data: bytes("document"), mimetype: "application/pdf", fileName: "invoice.pdf", caption: "a document" },
    { label: "sticker", type: "sticker", data: bytes("sticker") },
  ];
};

if (import.meta.main) {
  const driver = createBaileysDriver({ endpoint: { wsUrl: config.url, trustKey: Buffer.from(config.rootKey, "hex") }, polls: new MemoryPollStore(), log: testLog });
  const auth = sessionAuth();
  const pairing = new OpenedSession(driver, auth);
  await scanUntilLinked(pairing.qrs(), httpScan(`${config.httpUrl}/sim`, config.phone));
  await pairing.next("close");
  const opened = new OpenedSession(driver, auth);
  await opened.next("open");
  for (const sample of mediaSamples()) {
    const result = await opened.session.sendMedia(config.to, sample);
    report({ label: sample.label, messageId: result.messageId, sha256: createHash("sha256").update(sample.data).digest("hex") });
  }
  await opened.close();
  process.exit(0);
}
