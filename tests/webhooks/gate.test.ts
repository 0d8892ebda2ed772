import { expect, test } from "bun:test";
import { DeliveryGate } from "../../src/webhooks/gate.ts";

/*
 * Issue 22.5: a delivery over its receiver's limit waits for a slot only if that receiver frees slots
 * (a fast one, within milliseconds). A hung or slow receiver's extra deliveries park at once: a waiting
 * delivery holds one of the global delivery slots, which the healthy receivers need.
 */
test("over the limit at a receiver that frees no slot: parked at once, without holding a global slot for the wait", async () => {
  let now = 0;
  const gate = new DeliveryGate(2, () => now);
  expect(await gate.acquire("hung", false)).toBe(true);
  expect(await gate.acquire("hung", false)).toBe(true);
  now += 1000; // its two POSTs are still out a second later
  const started = performance.now();
  expect(await gate.acquire("hung", false)).toBe(false);
  expect(performance.now() - started).toBeLessThan(50);
});

test("over the limit at a receiver that just freed a slot: waits for the next one, but no more than the limit wait at once", async () => {
  let now = 0;
  const gate = new DeliveryGate(2, () => now);
  await gate.acquire("fast", false);
  await gate.acquire("fast", false);
  gate.release("fast", "ok");
  await gate.acquire("fast", false);
  now += 10;
  const waiting = [gate.acquire("fast", false), gate.acquire("fast", false)];
  // A third waiter would hold a third global slot for this one receiver: parked instead.
  expect(await gate.acquire("fast", false)).toBe(false);
  gate.release("fast", "ok");
  gate.release("fast", "ok");
  expect(await Promise.all(waiting)).toEqual([true, true]);
});
