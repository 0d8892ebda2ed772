import { Type, type TSchema } from "@sinclair/typebox";
import { strictBody } from "../http/strict-body.ts";
import { CONTRACT_EXAMPLES, JOB_PAYLOADS, type JobName } from "../contracts/jobs/index.ts";

/**
 * The HTTP body of an enqueueing route: the job's contract B payload minus
 * `sessionId`, which the route takes from its path. Its example is contract
 * B's, minus `sessionId` too.
 */
export function bodyWithoutSessionId<N extends JobName>(name: N) {
  const { sessionId: _inPath, ...example } = CONTRACT_EXAMPLES[name];
  return Type.Omit(JOB_PAYLOADS[name], ["sessionId"], { examples: [example] });
}

/**
 * Route options for a JSON body: the schema, plus a check of the body as sent.
 * Elysia's normaliser would otherwise turn a wrong value where an object or
 * record is expected (`"metadata": 5`, `"message": "x"`) into `{}` and let it
 * through.
 */
export function jsonBody<S extends TSchema>(schema: S) {
  return { body: schema, transform: strictBody(schema) };
}
