import { afterAll, beforeAll, expect, test, setDefaultTimeout } from 'bun:test';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator, type Simulator } from '../../src/simulator/create-simulator.ts';
import type { MediaKind } from '../../src/simulator/media/media-crypto.ts';
import { selfSignedCert } from '../../src/simulator/media/self-signed-cert.ts';

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(20_000);

let sim: Simulator;
let dir: string;
let child: ReturnType<typeof Bun.spawn> | undefined;
let caFile: string;
beforeAll(async () => {
  // The pattern a gateway needs: the certificate is known from the seed before anything starts.
  dir = await mkdtemp(join(tmpdir(), 'wa-sim-media-'));
  caFile = join(dir, 'media-ca.pem');
  await writeFile(caFile, selfSignedCert('media-test', '127.0.0.1').cert);
  sim = await createSimulator({ seed: 'media-test' });
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
  expect(sim.mediaCertificatePem).toBe(await Bun.file(caFile).text());
  child = Bun.spawn([process.execPath, join(import.meta.dir, 'support/media-client.ts')], {
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
  // Downloads finish in any order; match each kind by the hash of what was sent.
  const bySha = new Map(received.map((r) => [r.sha256, r]));
  const expected = { image: 'imageMessage', video: 'videoMessage', audio: 'audioMessage', ptt: 'audioMessage', document: 'documentMessage', sticker: 'stickerMessage' };
  for (const kind of kinds) {
    const got = bySha.get(sha(payload(kind)));
    expect(got?.kind).toBe(expected[kind]);
    expect(!!got?.ptt).toBe(kind === 'ptt');
  }
});

test('the simulator recorded no handler errors', () => {
  expect(sim.control.errors()).toEqual([]);
});
