import pino from "pino";
import type { LogLevel } from "../config/settings.ts";

export type Logger = pino.Logger;

/**
 * JSON lines on stdout. No pino transports: their worker path is baked into the
 * compiled binary and breaks there. Any field whose name looks like a secret is
 * redacted, as a second line of defence behind never logging secrets at all.
 */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ["authorization", "*.authorization", "headers.authorization", "*.headers.authorization", "apiKey", "*.apiKey", "token", "*.token", "secret", "*.secret", "password", "*.password", "authStateKey", "*.authStateKey", "authStateKeyPrevious", "*.authStateKeyPrevious", "backendAuthToken", "*.backendAuthToken", "*.headers[\"x-api-key\"]"],
      censor: "[redacted]",
    },
  });
}
