import { WA_CERT_DETAILS, type AuthenticationState } from "@whiskeysockets/baileys";
import type { Logger } from "../../platform/logger.ts";
import type { OpenSessionOptions, PollStore, WhatsAppDriver, WhatsAppEndpoint, WhatsAppSession } from "../driver.ts";
import { BaileysSession } from "./baileys-session.ts";
import { namingPhoneNumbers } from "./phone-number-names.ts";

/**
 * The WhatsApp driver on Baileys. The trust key is process-global in Baileys (the exported, mutable
 * WA_CERT_DETAILS), so it is installed once here: every socket of the process talks to one WhatsApp,
 * the real one or the simulator.
 */
export function createBaileysDriver({ endpoint, polls, log }: { endpoint: WhatsAppEndpoint; polls: PollStore; log: Logger }): WhatsAppDriver {
  if (endpoint.trustKey) {
    WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(endpoint.trustKey);
    log.info({ wsUrl: endpoint.wsUrl }, "WhatsApp endpoint overridden: trusting a custom Noise root key");
  }
  return {
    open: (options: OpenSessionOptions): WhatsAppSession => {
      // Contacts are reported by phone number where Baileys' stored mappings know it (phone-number-names.ts).
      const { keys } = options.auth.state as AuthenticationState;
      const onEvent = namingPhoneNumbers(keys, options.onEvent, (err) => options.log.error({ err }, "a WhatsApp event handler threw"));
      return new BaileysSession({ ...options, onEvent }, { endpoint, polls });
    },
  };
}
