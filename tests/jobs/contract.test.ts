import { describe, expect, test } from "bun:test";
import {
  checkJob,
  CONTRACT_EXAMPLES,
  DEFAULT_JOB_OPTIONS,
  failureCode,
  formatFailure,
  JOB_NAMES,
  JOB_PAYLOADS,
  JOB_RESULTS,
  normaliseJid,
  QUEUE_NAME,
} from "../../src/contracts/jobs/index.ts";
import { CONTRACT_B_OPTIONS, CONTRACT_B_QUEUE } from "./support/contract-b.ts";
import contractJobs from "./fixtures/contract-b-jobs.json";

describe("the contract module matches contract B", () => {
  test("queue name, the ten job names and the default options", () => {
    expect(QUEUE_NAME).toBe(CONTRACT_B_QUEUE);
    expect([...JOB_NAMES].sort() as string[]).toEqual(Object.keys(contractJobs).sort());
    expect(Object.keys(JOB_PAYLOADS).sort()).toEqual([...JOB_NAMES].sort());
    expect(Object.keys(JOB_RESULTS).sort()).toEqual([...JOB_NAMES].sort());
    expect(DEFAULT_JOB_OPTIONS as object).toEqual(CONTRACT_B_OPTIONS);
  });

  test("its examples are contract B's, and each passes its own schema unchanged", () => {
    for (const name of JOB_NAMES) {
      expect(CONTRACT_EXAMPLES[name]).toEqual(contractJobs[name].data as never);
      const checked = checkJob(name, structuredClone(CONTRACT_EXAMPLES[name]));
      expect(checked).toEqual({ ok: true, job: { name, data: CONTRACT_EXAMPLES[name] } } as never);
    }
  });

  test("optional fields are optional", () => {
    expect(checkJob("SEND_TEXT", { sessionId: "s", to: "6281234567890@s.whatsapp.net", text: "hi" }).ok).toBe(true);
    expect(checkJob("SEND_MEDIA", { sessionId: "s", to: "6281234567890@s.whatsapp.net", type: "document", media: "aGVsbG8=" }).ok).toBe(true);
    expect(checkJob("SEND_REPLY", { sessionId: "s", to: "6281234567890@s.whatsapp.net", text: "ok", quoted: { key: { remoteJid: "6281234567890@s.whatsapp.net", fromMe: true, id: "X" } } }).ok).toBe(true);
    expect(checkJob("START_SESSION", { sessionId: "s", phoneNumber: "+6281234567890" })).toEqual({ ok: true, job: { name: "START_SESSION", data: { sessionId: "s", phoneNumber: "6281234567890" } } });
  });

  test("selectableCount 0 (multiple choice) and an empty emoji (remove the reaction) are valid", () => {
    expect(checkJob("SEND_POLL", { ...contractJobs.SEND_POLL.data, selectableCount: 0 }).ok).toBe(true);
    expect(checkJob("SEND_REACTION", { ...contractJobs.SEND_REACTION.data, emoji: "" }).ok).toBe(true);
  });
});

describe("JIDs", () => {
  test("normalisation", () => {
    expect(normaliseJid("6281234567890")).toBe("6281234567890@s.whatsapp.net");
    expect(normaliseJid("+6281234567890")).toBe("6281234567890@s.whatsapp.net");
    for (const jid of ["6281234567890@s.whatsapp.net", "1234567890@g.us", "123456789012345@lid"]) expect(normaliseJid(jid)).toBe(jid);
  });

  test("what a recipient may not be", () => {
    for (const to of ["", "budi", "62 812 3456", "6281234567890@c.us", "@s.whatsapp.net", "62812@g.us.evil", "12345", "+", "6281234567890@s.whatsapp.net\n"]) {
      const checked = checkJob("SEND_TEXT", { sessionId: "s", to, text: "hi" });
      expect([to, checked.ok ? "" : checked.issue.field]).toEqual([to, "to"]);
    }
  });
});

describe("failure reasons", () => {
  test("carry a code that reads back; anything else has none", () => {
    expect(failureCode(formatFailure("SESSION_NOT_CONNECTED", "session user-123 is not connected"))).toBe("SESSION_NOT_CONNECTED");
    expect(failureCode("NOT_A_CODE: something")).toBeNull();
    expect(failureCode("socket hang up")).toBeNull();
    expect(failureCode(undefined)).toBeNull();
  });
});
