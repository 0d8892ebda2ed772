import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { BINARY, gatewayCommand, cleanEnv } from "../support/gateway-process.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { connectOpen, memoryAuth, socketQr, startClient, waitForClose, type SimEndpoint } from "./support/baileys-client.ts";
import { httpScan, scanUntilLinked } from "../support/link-by-qr.ts";

// `wa-gateway simulator` from the compiled binary: the simulator ships inside the executable.
let proc: ReturnType<typeof Bun.spawn>;
let info: { waUrl: string; controlApi: string; trustKey: string };
const data = makeTempDir();

beforeAll(async () => {
  const binary = existsSync(BINARY);
  proc = Bun.spawn([...gatewayCommand(binary), "simulator", "--port=0", "--sim-seed=cmd-test", `--data-dir=${data.path}`], { env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("simulator exited before logging its address");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  info = JSON.parse(text.slice(0, text.indexOf("\n"))) as typeof info;
});
afterAll(async () => {
  proc.kill("SIGTERM");
  expect(await proc.exited).toBe(0);
  data.remove();
});

test("wa-gateway simulator: a bare Baileys client pairs through its control API and logs in", async () => {
  expect(info.waUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/chat$/);
  const created = await fetch(`${info.controlApi}/accounts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "Cli" }) });
  expect(created.status).toBe(200);
  const account = (await created.json()) as { phone: string };
  // The client side only needs what the log printed: the WebSocket URL and the key to trust.
  const sim: SimEndpoint = { url: info.waUrl, rootPublicKey: Buffer.from(info.trustKey, "base64") };
  const auth = memoryAuth();
  const sock = startClient(sim, auth);
  const qrs = socketQr(sock);
  const restart = waitForClose(sock);
  expect(await scanUntilLinked(qrs, httpScan(info.controlApi, account.phone))).toBe(1);
  expect(await restart).toBe(515);
  const open = await connectOpen(sim, auth);
  expect(auth.creds.me?.id).toStartWith(`${account.phone}:`);
  open.end(undefined);
});
