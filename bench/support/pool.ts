/** Runs `task(i)` for i in [from, to) with at most `limit` in flight. */
export async function pool(from: number, to: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = from;
  await Promise.all(
    Array.from({ length: Math.min(limit, to - from) }, async () => {
      while (next < to) await task(next++);
    }),
  );
}
