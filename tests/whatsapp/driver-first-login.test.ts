import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { createSimulator, type Simulator } from "../../src/simulator/create-simulator.ts";
import { controlScan, scanUntilLinked } from "../support/link-by-qr.ts";
import { OpenedSession, sessionAuth, simDriver } from "./support/driver-harness.ts";

setDefaultTimeout(30_000);

/*
 * A phone that takes a while to send the new device its initial history sync (real phones take
 * seconds). The worker's first login after pairing (`justPaired`) opens only once the sync is stored,
 * so a send straight after `open` to a contact that requires a privacy token carries the token.
 * Without the wait the same send is refused with 463 (RECIPIENT_TOKEN_REQUIRED), for good.
 */
let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ seed: "driver-first-login", media: false, historySyncDelayMs: 1_500 });
});
afterAll(() => sim.stop());

const linkAndOpen = async (name: string, justPaired: boolean) => {
  const account = sim.control.createAccount({ name });
  const known = sim.control.createAccount({ name: `${name}'s customer`, requiresToken: true });
  sim.control.openChat(account.phone, known.phone);
  const driver = simDriver(sim);
  const auth = sessionAuth();
  const pairing = new OpenedSession(driver, auth, { sessionId: name });
  await scanUntilLinked(pairing.qrs(), controlScan(sim.control, account.phone));
  expect((await pairing.next("close")).reason).toBe("restart_required");
  const opened = new OpenedSession(driver, auth, { sessionId: name, justPaired });
  await opened.next("open");
  return { opened, known };
};

test("the first login after pairing opens once the history sync is stored: an immediate send carries the token", async () => {
  const { opened, known } = await linkAndOpen("waits", true);
  const sent = await opened.session.sendText(known.jid, "thanks for your order");
  const got = (await sim.control.waitForInbox(known.phone, (e) => e.id === sent.messageId)).message;
  expect(got.conversation ?? got.extendedTextMessage?.text).toBe("thanks for your order");
  await opened.close();
});

test("without the wait, the same send is refused for want of the token", async () => {
  const { opened, known } = await linkAndOpen("hurries", false);
  await expect(opened.session.sendText(known.jid, "too early")).rejects.toMatchObject({ code: "RECIPIENT_TOKEN_REQUIRED" });
  await opened.close();
});
