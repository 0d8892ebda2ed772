import type { SignalDataTypeMap, SignalKeyStore } from '../../whatsapp/protocol.ts';

type Stored = Map<string, unknown>;

/** Every stored key as `[type, id, value]`, the form a state snapshot keeps. */
export type KeyStoreDump = [string, string, unknown][];

interface MemoryKeyStore extends SignalKeyStore {
  dump(): KeyStoreDump;
  load(entries: KeyStoreDump): void;
}

/** The simplest Signal key store: maps in memory, dumped into the simulator's state snapshot. */
export const createMemoryKeyStore = (): MemoryKeyStore => {
  const byType = new Map<string, Stored>();
  const bucket = (type: string): Stored => {
    let stored = byType.get(type);
    if (!stored) {
      stored = new Map();
      byType.set(type, stored);
    }
    return stored;
  };
  return {
    get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const found: { [id: string]: SignalDataTypeMap[T] } = {};
      const stored = bucket(type);
      for (const id of ids) {
        if (stored.has(id)) found[id] = stored.get(id) as SignalDataTypeMap[T];
      }
      return found;
    },
    set(data) {
      for (const [type, entries] of Object.entries(data)) {
        const stored = bucket(type);
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value === null || value === undefined) stored.delete(id);
          else stored.set(id, value);
        }
      }
    },
    dump: () => [...byType].flatMap(([type, stored]) => [...stored].map(([id, value]): [string, string, unknown] => [type, id, value])),
    load(entries) {
      for (const [type, id, value] of entries) bucket(type).set(id, value);
    },
  };
};
