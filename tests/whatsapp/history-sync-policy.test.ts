import { expect, test } from "bun:test";
import { proto } from "@whiskeysockets/baileys";
import { historySyncOptions } from "../../src/whatsapp/baileys/history-sync.ts";

const Type = proto.HistorySync.HistorySyncType;
const kept = (policy: "metadata" | "full" | undefined): string[] => {
  const { shouldSyncHistoryMessage } = historySyncOptions(policy);
  return Object.entries(Type)
    .filter((entry): entry is [string, number] => typeof entry[1] === "number")
    .filter(([, syncType]) => shouldSyncHistoryMessage({ syncType }))
    .map(([name]) => name);
};

test("metadata (the default) keeps what carries mappings, privacy tokens and push names, and no message archive", () => {
  expect(kept(undefined)).toEqual(["INITIAL_BOOTSTRAP", "PUSH_NAME", "NON_BLOCKING_DATA"]);
  expect(kept("metadata")).toEqual(kept(undefined));
  expect(historySyncOptions("metadata").syncFullHistory).toBe(false);
  // Baileys asks about RECENT to decide whether to hold events for a message history at first login.
  expect(historySyncOptions().shouldSyncHistoryMessage({ syncType: Type.RECENT })).toBe(false);
  expect(historySyncOptions().shouldSyncHistoryMessage({})).toBe(false);
});

test("full keeps every type Baileys can process, the message history included", () => {
  expect(kept("full")).toEqual(["INITIAL_BOOTSTRAP", "INITIAL_STATUS_V3", "FULL", "RECENT", "PUSH_NAME", "NON_BLOCKING_DATA", "ON_DEMAND"]);
  expect(historySyncOptions("full").syncFullHistory).toBe(true);
});
