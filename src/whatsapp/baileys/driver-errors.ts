import { DisconnectReason } from "@whiskeysockets/baileys";
import { DriverError } from "../driver.ts";
import { statusCodeOf } from "./close-reason.ts";

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The code of an `<error code=… text=…>` answer, which Baileys puts in the Boom's `data`. */
const iqErrorCode = (error: unknown): number | undefined => {
  const data = typeof error === "object" && error !== null ? (error as { data?: unknown }).data : undefined;
  return typeof data === "number" ? data : undefined;
};

/** The error answers of WhatsApp's group queries (w:g2) that mean something to the caller. */
const GROUP_NOT_FOUND = new Set([404]);
const NOT_GROUP_ADMIN = new Set([401, 403]);

/**
 * Any failure of a Baileys call as a DriverError. A socket that is gone shows as Boom 428
 * ("Connection Closed"); group queries answer with an iq error whose code Baileys keeps in `data`
 * (404 item-not-found; 401 not-authorized or 403 forbidden when we may not change the group).
 */
export function toDriverError(error: unknown, target: { group: boolean }): DriverError {
  if (error instanceof DriverError) return error;
  if (statusCodeOf(error) === DisconnectReason.connectionClosed) return new DriverError("NOT_CONNECTED", "the WhatsApp connection is closed");
  const code = iqErrorCode(error);
  if (target.group && code !== undefined && GROUP_NOT_FOUND.has(code)) return new DriverError("GROUP_NOT_FOUND", `group not found: ${messageOf(error)}`);
  if (target.group && code !== undefined && NOT_GROUP_ADMIN.has(code)) return new DriverError("NOT_GROUP_ADMIN", `not allowed in this group: ${messageOf(error)}`);
  return new DriverError("WHATSAPP_ERROR", messageOf(error));
}
