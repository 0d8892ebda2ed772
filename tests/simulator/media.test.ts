import { afterAll, beforeAll, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import type { MediaKind } from '../../src/simulator/media/media-crypto.ts';

let sim: Simulator;
let dir: string;
let child: ReturnType<typeof Bun.spawn> | undefined;
beforeAll(async () => {
  sim = await createSimulator({ seed: 'media-test' });
  dir = await mkdtemp(join(tmpdir(), 'wa-sim-media-'));
});
afterAll(async () => {
  child?.kill();
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Reads the child's JSON lines as they come. */
const lines = async function* (stream: ReadableStream<Uint8Array>) {
  let buffered = '';
  for await (const chunk of stream) {
    buffered += new TextDecoder().decode(chunk);
    let cut = buffered.indexOf('\n');
    while (cut >= 0) {
      const line = buffered.slice(0, cut);
      buffered = buffered.slice(cut + 1);
      if (line.startsWith('{')) yield JSON.parse(line) as { event: string; kind: string; id?: string; sha256: string; ptt?: boolean };
      cut = buffered.indexOf('\n');
    }
  }
};

test('every media type both ways over the HTTPS media host, with WhatsApp media encryption', async () => {
  const me = sim.control.createAccount({ name: 'Media Me' });
  const contact = sim.control.createAccount({ name: 'Media Contact' });
  const caFile = join(dir, 'media-ca.pem');
  await writeFile(caFile, sim.mediaCertificatePem ?? '');
  child = Bun.spawn(['bun', join(import.meta.dir, 'support/media-client.ts')], {
    env: {
      ...process.env,
      NODE_EXTRA_CA_CERTS: caFile,
      SIM_MEDIA_CLIENT: JSON.stringify({ url: sim.url, httpUrl: sim.httpUrl, rootKey: sim.rootPublicKey.toString('hex'), phone: me.phone, contactJid: contact.jid }),
    },
    stdout: 'pipe',
    stderr: 'inherit',
  });
  const sent: { kind: string; id: string; sha256: string }[] = [];
  const received: { kind: string; sha256: string; ptt?: boolean }[] = [];
  const kinds: MediaKind[] = ['image', 'video', 'audio', 'ptt', 'document', 'sticker'];
  const payload = (kind: string) => Buffer.from(`incoming ${kind} `.repeat(300));
  for await (const line of lines(child.stdout as ReadableStream<Uint8Array>)) {
    if (line.event === 'sent') sent.push({ kind: line.kind, id: line.id ?? '', sha256: line.sha256 });
    if (line.event === 'ready') {
      for (const kind of kinds) {
        await sim.control.sendMedia(contact.phone, me.phone, { kind, data: payload(kind), mimetype: 'application/octet-stream', fileName: `${kind}.bin` });
      }
    }
    if (line.event === 'received') received.push(line);
    if (received.length === kinds.length) break;
  }
  expect(sent.map((s) => s.kind)).toEqual(kinds);
  for (const { kind, id, sha256 } of sent) {
    await sim.control.waitForInbox(contact.phone, (e) => e.id === id);
    const media = sim.control.downloadMedia(contact.phone, id);
    expect(media.kind).toBe(kind as MediaKind);
    expect(sha(media.data)).toBe(sha256);
  }
  // The client downloads concurrently, so arrivals can come in any order: match them by content.
  const byContent = new Map(received.map((r) => [r.sha256, r]));
  expect([...byContent.keys()].sort()).toEqual(kinds.map((k) => sha(payload(k))).sort());
  const arrived = kinds.map((k) => byContent.get(sha(payload(k))));
  expect(arrived.map((r) => r?.kind)).toEqual(['imageMessage', 'videoMessage', 'audioMessage', 'audioMessage', 'documentMessage', 'stickerMessage']);
  expect(arrived.map((r) => !!r?.ptt)).toEqual([false, false, false, true, false, false]);
});
