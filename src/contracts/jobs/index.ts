/**
 * Contract B, the BullMQ job contract between any producer and the workers:
 * queue, job names, payload and result schemas, default options, failure
 * codes. Producer and consumer both import it; it imports nothing from the
 * HTTP or WhatsApp code.
 */
export { DEFAULT_JOB_OPTIONS, QUEUE_NAME } from "./queue.ts";
export * from "./jobs.ts";
export * from "./payloads.ts";
export * from "./results.ts";
export * from "./failures.ts";
export { ChatJid, GroupJid, RecipientJid, UserJid, normaliseJid } from "./jid.ts";
export { literalUnion, PhoneNumber, SessionId } from "./fields.ts";
export { CONTRACT_EXAMPLES } from "./examples.ts";
export { checkJob, type JobCheck, type PayloadIssue } from "./validate.ts";
