import { Type } from "@sinclair/typebox";

/*
 * WhatsApp addresses. Users are `<digits>@s.whatsapp.net` (or, for hidden
 * numbers, `<digits>@lid`), groups are `<digits>[-<digits>]@g.us`. Integrators
 * usually hold phone numbers, so a bare or "+"-prefixed number is accepted too
 * and normalised to the user JID before a job reaches a worker.
 */
const USER = "[0-9]{5,20}@s\\.whatsapp\\.net";
const LID = "[0-9]{5,25}@lid";
const GROUP = "[0-9]{5,25}(-[0-9]{5,15})?@g\\.us";
const PHONE = "\\+?[0-9]{6,15}";

const anyOf = (...alternatives: string[]) => `^(${alternatives.join("|")})$`;
const PHONE_RE = new RegExp(`^${PHONE}$`);

/** Where a message may go: a user, a group, a LID, or a phone number. */
export const RecipientJid = Type.String({
  pattern: anyOf(USER, GROUP, LID, PHONE),
  error: "must be a WhatsApp JID (…@s.whatsapp.net, …@g.us, …@lid) or a phone number (digits, optional +)",
  description: "…@s.whatsapp.net, …@g.us, …@lid, or a phone number with country code (normalised to …@s.whatsapp.net)",
  examples: ["6281234567890@s.whatsapp.net"],
});

/** A person: mentions and group participants. */
export const UserJid = Type.String({
  pattern: anyOf(USER, LID, PHONE),
  error: "must be a user JID (…@s.whatsapp.net, …@lid) or a phone number (digits, optional +)",
  description: "…@s.whatsapp.net, …@lid, or a phone number with country code (normalised to …@s.whatsapp.net)",
  examples: ["628987654321@s.whatsapp.net"],
});

export const GroupJid = Type.String({
  pattern: anyOf(GROUP),
  error: "must be a group JID (…@g.us)",
  examples: ["1234567890@g.us"],
});

/** A JID as WhatsApp wrote it in a message key: never a bare phone number. */
export const ChatJid = Type.String({
  pattern: anyOf(USER, GROUP, LID),
  error: "must be a WhatsApp JID (…@s.whatsapp.net, …@g.us, …@lid)",
  examples: ["6281234567890@s.whatsapp.net"],
});

/** A phone number becomes its user JID; a JID is returned unchanged. */
export function normaliseJid(jid: string): string {
  return PHONE_RE.test(jid) ? `${jid.replace(/^\+/, "")}@s.whatsapp.net` : jid;
}
