/**
 * A Baileys client in its own process, because Bun reads NODE_EXTRA_CA_CERTS (the simulator's media
 * certificate) only at process start. Driven over stdout: it pairs through the control API, sends one
 * media message of each kind, then downloads every media message it receives and reports hashes.
 */
import { createHash } from 'node:crypto';
import { downloadMediaMessage, type WAMessage } from '@whiskeysockets/baileys';
import type { Simulator } from '../../../src/simulator/create-simulator.ts';
import { connectOpen, memoryAuth, socketQr, startClient, waitForClose } from './baileys-client.ts';
import { httpScan, scanUntilLinked } from '../../support/link-by-qr.ts';

const config = JSON.parse(process.env.SIM_MEDIA_CLIENT ?? '{}') as { url: string; httpUrl: string; rootKey: string; phone: string; contactJid: string };
const sim = { url: config.url, rootPublicKey: Buffer.from(config.rootKey, 'hex') } as Pick<Simulator, 'url' | 'rootPublicKey'> as Simulator;
const report = (line: Record<string, unknown>) => console.log(JSON.stringify(line));
const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

const auth = memoryAuth();
const first = startClient(sim, auth);
const qrs = socketQr(first);
const closed = waitForClose(first);
await scanUntilLinked(qrs, httpScan(`${config.httpUrl}/sim`, config.phone));
await closed;
const sock = await connectOpen(sim, auth);

const bytes = (label: string) => Buffer.from(`${label}:`.repeat(700));
const outgoing = [
  { kind: 'image', content: { image: bytes('image'), mimetype: 'image/jpeg', caption: 'an image' } },
  { kind: 'video', content: { video: bytes('video'), mimetype: 'video/mp4', caption: 'a video' } },
  { kind: 'audio', content: { audio: bytes('audio'), mimetype: 'audio/mpeg', seconds: 1 } },
  { kind: 'ptt', content: { audio: bytes('ptt'), mimetype: 'audio/ogg; codecs=opus', ptt: true, seconds: 1 } },
  { kind: 'document', content: { document: bytes('document'), mimetype: 'application/pdf', fileName: 'doc.pdf' } },
  { kind: 'sticker', content: { sticker: bytes('sticker'), mimetype: 'image/webp' } },
] as const;
for (const { kind, content } of outgoing) {
  const data = Object.values(content)[0] as Buffer;
  const sent = await sock.sendMessage(config.contactJid, content);
  report({ event: 'sent', kind, id: sent?.key.id, sha256: sha(data) });
}

const received = new Set<string>();
sock.ev.on('messages.upsert', async ({ messages }) => {
  for (const message of messages as WAMessage[]) {
    if (message.key.fromMe || !message.message || received.has(message.key.id ?? '')) continue;
    received.add(message.key.id ?? '');
    const data = (await downloadMediaMessage(message, 'buffer', {})) as Buffer;
    const kind = Object.keys(message.message).find((k) => k.endsWith('Message')) ?? 'unknown';
    report({ event: 'received', kind, ptt: !!message.message.audioMessage?.ptt, sha256: sha(data) });
  }
});
report({ event: 'ready' });
await Bun.sleep(20_000);
sock.end(undefined);
process.exit(0);
