import { TypeCompiler, type TypeCheck } from "@sinclair/typebox/compiler";
import type { Static, TSchema } from "elysia";
import { AppError } from "../http/errors.ts";

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

/**
 * Checks part of a request against a schema the route could not apply itself
 * (an event's `data`, whose shape depends on the event name). Fails like route
 * validation does: 400 VALIDATION_ERROR naming the field.
 */
export function checkPart<T extends TSchema>(schema: T, value: unknown, where: string): Static<T> {
  let check = compiled.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    compiled.set(schema, check);
  }
  if (check.Check(value)) return value as Static<T>;
  const first = check.Errors(value).First();
  const field = [where, ...(first?.path.split("/").filter(Boolean) ?? [])].join(".");
  throw new AppError(400, "VALIDATION_ERROR", `Invalid ${field}: ${first?.message ?? "is invalid"}`);
}
