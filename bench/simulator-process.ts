/**
 * Runs the WhatsApp simulator alone in this process for `bench:sessions`, so the benchmark's own
 * process holds only Baileys sessions. Prints one JSON line with its address, then runs until
 * stdin closes (the parent exits or kills it).
 *   bun bench/simulator-process.ts <deliveredDelayMs> <readDelayMs>
 */
import { createSimulator } from '../src/simulator/create-simulator.ts';

const [delivered = '200', read = '300'] = process.argv.slice(2);
const sim = await createSimulator({
  seed: 'bench-sessions',
  media: false,
  receipts: { deliveredDelayMs: Number(delivered), readDelayMs: Number(read) },
});
console.log(JSON.stringify({ url: sim.url, httpUrl: sim.httpUrl, rootKey: sim.rootPublicKey.toString('hex'), pid: process.pid }));
for await (const _ of Bun.stdin.stream()) {
  // Only waiting for EOF.
}
await sim.stop();
process.exit(0);
