import { PROCESSABLE_HISTORY_TYPES, proto, type UserFacingSocketConfig } from "@whiskeysockets/baileys";
import type { HistorySyncPolicy } from "../../config/history-sync.ts";

const Type = proto.HistorySync.HistorySyncType;

/**
 * The history-sync types that carry no message archive but what today's WhatsApp needs a client to
 * know: LID↔phone-number mappings (`phoneNumberToLidMappings`, read for every type by Baileys'
 * Utils/history.js), the privacy tokens of existing chats (`tcToken`, stored by
 * storeTcTokensFromHistorySync) and push names. INITIAL_BOOTSTRAP is the one a new device gets first;
 * it holds chats and mappings, not messages. Skipping them all (the old `() => false`) leaves a session
 * unable to name LID-only senders or to write to contacts that want a token (463; Baileys #2580,
 * OpenWA #375). INITIAL_STATUS_V3 is status posts, an archive like the others.
 */
const METADATA_TYPES = new Set<number>([Type.INITIAL_BOOTSTRAP, Type.PUSH_NAME, Type.NON_BLOCKING_DATA]);
/** Everything Baileys can process. A notification's type is proto.Message's copy of the enum: compared by number. */
const ALL_TYPES = new Set<number>(PROCESSABLE_HISTORY_TYPES);

type HistorySyncOptions = Required<Pick<UserFacingSocketConfig, "syncFullHistory" | "shouldSyncHistoryMessage">>;

/**
 * Baileys' history options for a policy. History never becomes new messages either way: Baileys hands
 * it over as `messaging-history.set`, which the session does not forward. With `metadata`, Baileys also
 * skips its up-to-20 s wait for a message history at first login (it asks about RECENT to decide).
 */
export function historySyncOptions(policy: HistorySyncPolicy = "metadata"): HistorySyncOptions {
  const kept = policy === "full" ? ALL_TYPES : METADATA_TYPES;
  return { syncFullHistory: policy === "full", shouldSyncHistoryMessage: ({ syncType }) => typeof syncType === "number" && kept.has(syncType) };
}
