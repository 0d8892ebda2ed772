import type { JobDataMap } from "./jobs.ts";

const KEY = { remoteJid: "6281234567890@s.whatsapp.net", fromMe: false, id: "BAE5F0A1B2C3D4E5" };

/**
 * Contract B's example for each job, as the document shows it (its "BAE5..."
 * ids completed, its "{ ... }" quoted message filled in, its mis-encoded 👍
 * repaired). They serve as the OpenAPI examples and as test fixtures.
 */
export const CONTRACT_EXAMPLES: JobDataMap = {
  START_SESSION: { sessionId: "user-123" },
  STOP_SESSION: { sessionId: "user-123" },
  DELETE_SESSION: { sessionId: "user-123" },
  SEND_TEXT: {
    sessionId: "user-123",
    to: "6281234567890@s.whatsapp.net",
    text: "Halo, ini pesan dari API!",
    mentions: ["628987654321@s.whatsapp.net"],
  },
  SEND_MEDIA: {
    sessionId: "user-123",
    to: "6281234567890@s.whatsapp.net",
    type: "image",
    media: "https://example.com/image.jpg",
    caption: "Lihat gambar ini!",
    fileName: "invoice.pdf",
    mimetype: "application/pdf",
    ptt: false,
  },
  SEND_POLL: {
    sessionId: "user-123",
    to: "1234567890@g.us",
    name: "Kapan kita meeting?",
    options: ["Senin", "Selasa", "Rabu"],
    selectableCount: 1,
  },
  SEND_REACTION: { sessionId: "user-123", to: "6281234567890@s.whatsapp.net", key: KEY, emoji: "👍" },
  SEND_REPLY: {
    sessionId: "user-123",
    to: "6281234567890@s.whatsapp.net",
    text: "Saya setuju dengan ini.",
    quoted: { key: KEY, message: { conversation: "Meeting hari Senin jam 10?" } },
  },
  GROUP_CREATE: {
    sessionId: "user-123",
    subject: "Tim Developer",
    participants: ["628123456789@s.whatsapp.net", "628987654321@s.whatsapp.net"],
  },
  GROUP_UPDATE_PARTICIPANTS: {
    sessionId: "user-123",
    jid: "1234567890@g.us",
    action: "add",
    participants: ["628555555555@s.whatsapp.net"],
  },
};
