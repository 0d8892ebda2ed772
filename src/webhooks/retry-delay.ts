/**
 * The wait before retry number `attempt` (1 = the first retry): exponential
 * from `baseMs`, capped at `maxMs`, with equal jitter (half fixed, half
 * random) so receivers coming back from an outage are not hit by every
 * retry at the same moment.
 */
export function retryDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 40));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
