import { createHmac } from 'node:crypto';

/**
 * Deterministic identifiers: with the same seed, the n-th id of a kind is always the same, so a test
 * run (or a sandbox demo) can be replayed and compared.
 */
export class IdSource {
  private readonly counts = new Map<string, number>();

  constructor(private readonly seed: string) {}

  counters(): [string, number][] {
    return [...this.counts];
  }

  restoreCounters(entries: [string, number][]): void {
    for (const [kind, n] of entries) this.counts.set(kind, n);
  }

  next(kind: string): number {
    const n = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, n);
    return n;
  }

  /** Upper-case hex, the shape of WhatsApp message ids. */
  hex(kind: string, bytes = 10): string {
    const n = this.next(kind);
    return createHmac('sha256', this.seed).update(`${kind}:${n}`).digest('hex').slice(0, bytes * 2).toUpperCase();
  }

  bytes(kind: string, length: number): Buffer {
    const n = this.next(kind);
    const out = Buffer.alloc(length);
    for (let block = 0; block * 32 < length; block++) {
      createHmac('sha256', this.seed).update(`${kind}:${n}:${block}`).digest().copy(out, block * 32);
    }
    return out;
  }
}
