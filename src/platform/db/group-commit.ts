import type { Database } from "bun:sqlite";

/** Writes wait at most this long to share a commit. */
const WAIT_MS = 2;
const MAX_BATCH = 2000;

/**
 * Runs small writes in shared transactions: many concurrent callers, one
 * commit (and one fsync) for all of them. Each caller's promise settles when
 * its write is committed, so it can acknowledge only what is durable.
 */
export class GroupCommit {
  private ops: (() => void)[] = [];
  private waiters: { resolve(): void; reject(err: unknown): void }[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly sqlite: Database) {}

  run(op: () => void): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.ops.push(op);
    if (this.ops.length >= MAX_BATCH) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), WAIT_MS);
    return done;
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ops = this.ops;
    const waiters = this.waiters;
    this.ops = [];
    this.waiters = [];
    if (ops.length === 0) return;
    try {
      this.sqlite.transaction(() => {
        for (const op of ops) op();
      })();
      for (const w of waiters) w.resolve();
    } catch (err) {
      for (const w of waiters) w.reject(err);
    }
  }
}
