import type { WASocket } from "@whiskeysockets/baileys";
import { DriverError } from "../driver.ts";

/** The ack error WhatsApp refuses a message with both for a restricted account and for a missing privacy token. */
export const REFUSED_463 = "463";

/**
 * Names a 463 refusal. WhatsApp gives one code for two causes (Baileys rc14 logs "account restricted or
 * missing tctoken"): the account is restricted from reaching out (its reach-out timelock is active), or
 * the recipient accepts messages only with a privacy token (tctoken) this session does not hold for
 * them, as for a new contact. Only the timelock query tells them apart; it is read-only, so asking costs
 * no further reach-out. If it cannot be asked, the message is still a refusal for that recipient.
 */
export async function refusal463(sock: WASocket): Promise<DriverError> {
  const timelock = await sock.fetchAccountReachoutTimelock().catch(() => undefined);
  if (timelock?.isActive) {
    const until = timelock.timeEnforcementEnds ? ` until ${timelock.timeEnforcementEnds.toISOString()}` : "";
    return new DriverError("RESTRICTED", `WhatsApp refused the message: this account is restricted${until} (463)`);
  }
  return new DriverError("RECIPIENT_TOKEN_REQUIRED", "WhatsApp refused the message (463): the recipient accepts messages only with a privacy token this session does not have for them");
}
