/**
 * What a session keeps of WhatsApp's history sync. `metadata`: only what carries LID↔phone-number
 * mappings, privacy tokens and push names, without which today's WhatsApp cannot be written to reliably
 * (no message archive). `full`: also the message history (RECENT, FULL, ON_DEMAND), for memory and bandwidth.
 */
export const HISTORY_SYNC_POLICIES = ["metadata", "full"] as const;
export type HistorySyncPolicy = (typeof HISTORY_SYNC_POLICIES)[number];
