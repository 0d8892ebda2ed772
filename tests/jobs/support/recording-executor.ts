import { JOB_NAMES, type JobName } from "../../../src/contracts/jobs/index.ts";
import type { JobContext, JobExecutor } from "../../../src/job-consumer/executor.ts";

export interface Execution {
  name: JobName;
  data: unknown;
  ctx: JobContext;
  at: number;
}

/**
 * An executor that does no WhatsApp work: it records what the intake handed it
 * and answers a result of the contract's shape. `behave` can make a job name
 * throw instead.
 */
export function recordingExecutor(behave: Partial<Record<JobName, (data: unknown, ctx: JobContext) => unknown>> = {}) {
  const executions: Execution[] = [];
  const handler = (name: JobName) => async (data: unknown, ctx: JobContext) => {
    executions.push({ name, data, ctx, at: Date.now() });
    const custom = behave[name];
    if (custom) return custom(data, ctx);
    const d = data as { sessionId: string; to?: string; subject?: string; jid?: string; action?: string; participants?: string[] };
    if (name.endsWith("_SESSION")) return { sessionId: d.sessionId, status: "connected" };
    if (name === "GROUP_CREATE") return { groupJid: "120363025246125888@g.us", subject: d.subject, participants: (d.participants ?? []).map((jid) => ({ jid, status: "200" })) };
    if (name === "GROUP_UPDATE_PARTICIPANTS") return { groupJid: d.jid, action: d.action, participants: (d.participants ?? []).map((jid) => ({ jid, status: "200" })) };
    return { messageId: `MSG-${ctx.jobId}`, to: d.to, timestamp: 1703839200 };
  };
  const executor = Object.fromEntries(JOB_NAMES.map((n) => [n, handler(n)])) as unknown as JobExecutor;
  return { executor, executions };
}
