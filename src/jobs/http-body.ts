import { Type } from "@sinclair/typebox";
import { CONTRACT_EXAMPLES, JOB_PAYLOADS, type JobName } from "./contract/index.ts";

/**
 * The HTTP body of an enqueueing route: the job's contract B payload minus
 * `sessionId`, which the route takes from its path. Its example is contract
 * B's, minus `sessionId` too.
 */
export function bodyWithoutSessionId<N extends JobName>(name: N) {
  const { sessionId: _inPath, ...example } = CONTRACT_EXAMPLES[name];
  return Type.Omit(JOB_PAYLOADS[name], ["sessionId"], { examples: [example] });
}
