import type { SignalDataTypeMap, SignalKeyStore } from '../../whatsapp/protocol.ts';

type Stored = Map<string, unknown>;

/**
 * The simplest Signal key store: maps in memory. A simulated phone lives as long as the simulator,
 * so nothing here needs to survive a process restart.
 */
export const createMemoryKeyStore = (): SignalKeyStore => {
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
  };
};
