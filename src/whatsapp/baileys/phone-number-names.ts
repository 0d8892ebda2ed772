import { isLidUser, isPnUser, jidDecode, type SignalKeyStore } from "@whiskeysockets/baileys";
import type { DriverEvent, MessageKey } from "../driver.ts";

/** A key as the session reports it: Baileys' other address of the LID/phone pair beside the jid. */
type NamedKey = MessageKey & { remoteJidAlt?: string; participantAlt?: string };
/** LID user jid → phone-number jid. */
type Book = ReadonlyMap<string, string>;

const lidOf = (jid: string | undefined): string | undefined => (jid && isLidUser(jid) ? jid : undefined);
const pnOf = (jid: string | undefined): string | undefined => (jid && isPnUser(jid) ? jid : undefined);

/**
 * A 1:1 chat named by its phone number, as contract B shows it, the LID kept as `remoteJidAlt`. In a
 * group the participant stays as WhatsApp names it; a phone number found for it goes to `participantAlt`.
 */
function nameKey(key: NamedKey, book: Book): NamedKey {
  const participantLid = lidOf(key.participant);
  if (participantLid) {
    const pn = pnOf(key.participantAlt) ?? book.get(participantLid);
    return pn ? { ...key, participantAlt: pn } : key;
  }
  const lid = lidOf(key.remoteJid);
  const pn = lid && (pnOf(key.remoteJidAlt) ?? book.get(lid));
  return lid && pn ? { ...key, remoteJid: pn, remoteJidAlt: lid } : key;
}

const nameJid = (jid: string, book: Book): string => book.get(jid) ?? jid;

function nameEvent(event: DriverEvent, book: Book): DriverEvent {
  switch (event.type) {
    case "messages":
      return { ...event, messages: event.messages.map((m) => ({ ...m, key: nameKey(m.key, book) })) };
    case "reaction":
      return { ...event, key: nameKey(event.key, book), from: nameJid(event.from, book) };
    case "poll_vote":
      return { ...event, chatJid: nameJid(event.chatJid, book), voter: nameJid(event.voter, book) };
    case "message_status":
      return { ...event, remoteJid: nameJid(event.remoteJid, book) };
    default:
      return event;
  }
}

/** The LIDs an event names without the phone number beside them: the ones the mapping store must name. */
function unnamedLids(event: DriverEvent): string[] {
  const keyLids = (key: NamedKey): (string | undefined)[] =>
    key.participant ? [pnOf(key.participantAlt) ? undefined : lidOf(key.participant)] : [pnOf(key.remoteJidAlt) ? undefined : lidOf(key.remoteJid)];
  const lids = ((): (string | undefined)[] => {
    switch (event.type) {
      case "messages":
        return event.messages.flatMap((m) => keyLids(m.key));
      case "reaction":
        return [...keyLids(event.key), lidOf(event.from)];
      case "poll_vote":
        return [lidOf(event.chatJid), lidOf(event.voter)];
      case "message_status":
        return [lidOf(event.remoteJid)];
      default:
        return [];
    }
  })();
  return [...new Set(lids.filter((jid): jid is string => !!jid))];
}

/** Baileys keeps LID → phone number under `lid-mapping` as `<lid user>_reverse` (Signal/lid-mapping.js). */
async function lookUp(keys: SignalKeyStore, lids: string[]): Promise<Book> {
  const users = lids.map((lid) => jidDecode(lid)?.user ?? "");
  const found = await keys.get("lid-mapping", users.map((user) => `${user}_reverse`));
  const book = new Map<string, string>();
  lids.forEach((lid, i) => {
    const pnUser = found[`${users[i]}_reverse`];
    if (pnUser) book.set(lid, `${pnUser}@s.whatsapp.net`);
  });
  return book;
}

/**
 * Names people by phone number in a session's events. Today's WhatsApp addresses 1:1 chats by LID and
 * discloses the number (`sender_pn`) only for some senders; for the others the number is known only
 * from a mapping Baileys stored earlier, above all from the history sync. Baileys does not put stored
 * mappings into message keys, so events naming a LID alone are looked up in its mapping store. Events
 * keep their order: once one waits for a lookup, the following ones wait behind it.
 */
export function namingPhoneNumbers(keys: SignalKeyStore, deliver: (event: DriverEvent) => void, onError: (error: unknown) => void): (event: DriverEvent) => void {
  let queue = Promise.resolve();
  let waiting = 0;
  return (event) => {
    const lids = unnamedLids(event);
    if (waiting === 0 && lids.length === 0) return deliver(nameEvent(event, new Map()));
    waiting++;
    queue = queue
      .then(async () => {
        // A failed lookup costs the phone numbers of one event, never the event.
        const book = lids.length > 0 ? await lookUp(keys, lids).catch(() => new Map<string, string>()) : new Map<string, string>();
        deliver(nameEvent(event, book));
      })
      .catch(onError)
      .finally(() => waiting--);
  };
}
