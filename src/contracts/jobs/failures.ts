/**
 * Why a job failed. A worker fails a job with the reason `"<CODE>: <message>"`
 * so that both people and programs (GET /api/v1/jobs/{jobId} parses it) can
 * read it. Permanent failures skip the remaining attempts.
 */
export const JOB_FAILURES = {
  UNKNOWN_JOB: { permanent: true, meaning: "The job name is not one of contract B's ten" },
  INVALID_PAYLOAD: { permanent: true, meaning: "The data does not match the job's schema; the reason names the field" },
  SESSION_NOT_FOUND: { permanent: true, meaning: "No such session (never started, or deleted)" },
  SESSION_NOT_CONNECTED: { permanent: false, meaning: "The session exists but is not connected to WhatsApp (yet); retried" },
  ACCOUNT_RESTRICTED: { permanent: true, meaning: "WhatsApp restricted this account from sending (error 463); the session reports it" },
  RECIPIENT_TOKEN_REQUIRED: {
    permanent: true,
    meaning: "WhatsApp refused the message (error 463): the recipient accepts messages only with a privacy token this session does not hold for them (a new contact); not retried, since each try counts as another reach-out",
  },
  NOT_ON_WHATSAPP: { permanent: true, meaning: "The recipient's number has no WhatsApp account" },
  MEDIA_INVALID: { permanent: true, meaning: "media is neither an http(s) URL nor valid base64" },
  MEDIA_TOO_LARGE: { permanent: true, meaning: "The media exceeds MAX_MEDIA_SIZE" },
  MEDIA_URL_FORBIDDEN: { permanent: true, meaning: "The media URL points at a private, loopback or link-local address" },
  MEDIA_FETCH_FAILED: { permanent: false, meaning: "Downloading the media URL failed; retried" },
  GROUP_NOT_FOUND: { permanent: true, meaning: "No such group, or this session is not in it" },
  NOT_GROUP_ADMIN: { permanent: true, meaning: "The action needs this session to be a group admin" },
  WHATSAPP_ERROR: { permanent: false, meaning: "WhatsApp refused or did not answer; retried" },
} as const satisfies Record<string, { permanent: boolean; meaning: string }>;

export type JobFailureCode = keyof typeof JOB_FAILURES;

export function formatFailure(code: JobFailureCode, message: string): string {
  return `${code}: ${message}`;
}

/** The code of a failure reason written by formatFailure, or null for anything else (e.g. a crash). */
export function failureCode(reason: string | undefined): JobFailureCode | null {
  const code = /^([A-Z][A-Z0-9_]*): /.exec(reason ?? "")?.[1];
  return code !== undefined && code in JOB_FAILURES ? (code as JobFailureCode) : null;
}
