import type { TSchema } from "@sinclair/typebox";
import { TypeCompiler, type TypeCheck } from "@sinclair/typebox/compiler";
import { Value } from "@sinclair/typebox/value";
import { normaliseJid } from "./jid.ts";
import { isJobName, JOB_NAMES, JOB_PAYLOADS, type ContractJob, type JobName } from "./jobs.ts";

/** What is wrong with a payload: the field (dotted path inside `data`, "" for the whole) and why. */
export interface PayloadIssue {
  field: string;
  message: string;
}

export type JobCheck = { ok: true; job: ContractJob } | { ok: false; unknownName: boolean; issue: PayloadIssue };

const checkers = new Map<JobName, TypeCheck<TSchema>>();

function checker(name: JobName): TypeCheck<TSchema> {
  let c = checkers.get(name);
  if (!c) {
    c = TypeCompiler.Compile(JOB_PAYLOADS[name]);
    checkers.set(name, c);
  }
  return c;
}

/**
 * The one check every job goes through, whoever produced it: the name must be
 * one of the ten, the data must match its schema and the rules a schema cannot
 * express. On success the data comes back cleaned (unknown properties dropped)
 * and normalised (phone numbers turned into JIDs), so a worker sees the same
 * job whether our API or someone's plain BullMQ client added it.
 *
 * The data is cleaned and normalised in place (no copy on this hot path): pass
 * an object this call may own, such as a freshly parsed body or a job's data.
 */
export function checkJob(name: string, data: unknown): JobCheck {
  if (!isJobName(name)) {
    return { ok: false, unknownName: true, issue: { field: "", message: `"${name}" is not a job name; expected one of ${JOB_NAMES.join(", ")}` } };
  }
  const compiled = checker(name);
  if (!compiled.Check(data)) {
    const first = compiled.Errors(data).First();
    const custom = first && typeof first.schema.error === "string" ? first.schema.error : undefined;
    return { ok: false, unknownName: false, issue: { field: dotted(first?.path ?? ""), message: custom ?? first?.message ?? "is invalid" } };
  }
  const job = { name, data: normalise(Value.Clean(JOB_PAYLOADS[name], data)) } as ContractJob;
  const issue = ruleViolation(job);
  return issue ? { ok: false, unknownName: false, issue } : { ok: true, job };
}

/** Cross-field rules JSON Schema cannot say. */
function ruleViolation(job: ContractJob): PayloadIssue | undefined {
  if (job.name === "SEND_POLL" && job.data.selectableCount > job.data.options.length) {
    return { field: "selectableCount", message: `must be at most the number of options (${job.data.options.length}); 0 means multiple choice` };
  }
  return undefined;
}

/** Phone numbers become user JIDs wherever a payload addresses people; a pairing number loses its "+". */
function normalise(data: unknown): unknown {
  const d = data as Record<string, unknown>;
  if (typeof d.to === "string") d.to = normaliseJid(d.to);
  if (typeof d.phoneNumber === "string") d.phoneNumber = d.phoneNumber.replace(/^\+/, "");
  for (const list of ["mentions", "participants"] as const) {
    const v = d[list];
    if (Array.isArray(v)) d[list] = v.map((j) => normaliseJid(String(j)));
  }
  return d;
}

function dotted(path: string): string {
  return path.split("/").filter(Boolean).join(".");
}
