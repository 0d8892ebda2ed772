/**
 * The WA Web client version a session announces in its login payload (`userAgent.appVersion`).
 * WhatsApp refuses versions it has retired, so this is the one knob that revives every session when
 * it does (WAHA #2191, 2026-07-28). No Baileys import here: the config module and the simulator use it too.
 */
export type WaVersion = readonly [primary: number, secondary: number, tertiary: number];

/**
 * Announced unless `--wa-version` says otherwise: Baileys rc14's built-in version (its lib/Defaults),
 * pinned here so that a Baileys upgrade cannot change it unseen (tests/whatsapp/wa-version.test.ts
 * compares the two).
 */
export const DEFAULT_WA_VERSION: WaVersion = [2, 3000, 1043857760];

/** `2.3000.1043857760`: how WhatsApp, the flag and the logs write a version. */
export const formatWaVersion = (version: WaVersion): string => version.join(".");

export const sameWaVersion = (a: WaVersion, b: WaVersion): boolean => a.every((part, i) => part === b[i]);
