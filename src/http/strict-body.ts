import { TypeCompiler } from "@sinclair/typebox/compiler";
import { ValidationError, type TSchema } from "elysia";

/**
 * A `transform` hook that checks the body exactly as sent, before Elysia
 * normalises it. Elysia's normaliser runs ahead of its own check and turns a
 * wrong value for an object whose fields are all optional (`"sessions": 5`,
 * `null`, `"x"`) into `{}`, so such a body would pass. Failing here goes
 * through the one error handler: 400 VALIDATION_ERROR naming the field.
 */
export function strictBody(schema: TSchema) {
  const compiled = TypeCompiler.Compile(schema);
  return ({ body }: { body: unknown }): void => {
    if (!compiled.Check(body)) throw new ValidationError("body", compiled, body);
  };
}
