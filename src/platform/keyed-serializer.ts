/**
 * Runs tasks one after another per key, different keys in parallel: how a
 * session's jobs keep their order (contract B) on the router and on workers.
 * A failed task does not stop the ones queued behind it.
 */
export class KeyedSerializer {
  private readonly chains = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(task);
    this.chains.set(key, next);
    const cleanup = () => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    };
    next.then(cleanup, cleanup);
    return next;
  }
}
