import type { Logger } from "../../platform/logger.ts";

/**
 * Baileys logs every frame, key upload and retry at info and below, and errors for ordinary events
 * (a 515 after pairing is "stream errored out"). The session reports what matters itself, so Baileys
 * gets our logger one level up, quieter: its warnings and errors only, unless the operator asked for
 * debug or trace, when everything it says may help (or for less: error, silent).
 */
export function baileysLogger(log: Logger): Logger {
  const { debug, warn } = log.levels.values;
  const chatty = log.levelVal > (debug ?? 20) && log.levelVal < (warn ?? 40);
  const level = chatty ? "warn" : log.level;
  return log.child({ component: "baileys" }, { level });
}
