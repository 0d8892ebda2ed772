import { expect, test } from "bun:test";
import { isErrorCode } from "../../src/contracts/worker-api/error-codes.ts";
import { AppError, errorBody } from "../../src/http/errors.ts";
import { CoordinatorError } from "../../src/worker/coordinator/coordinator-client.ts";

// The compile-time half: `bunx tsc --noEmit` fails if any of these misspelt codes compiles.
test("a misspelt error code is a compile error, wherever it is written", () => {
  // @ts-expect-error SESION_NOT_FOUND is not a code
  expect(new AppError(404, "SESION_NOT_FOUND", "x").code).toBe("SESION_NOT_FOUND");
  // @ts-expect-error WORKER_NOTFOUND is not a code
  expect(errorBody("WORKER_NOTFOUND", "x").code).toBe("WORKER_NOTFOUND");
  const refused = new CoordinatorError(404, "WORKER_NOT_FOUND", "gone");
  // @ts-expect-error STALE_EPOCHS is not a code
  expect(refused.is("STALE_EPOCHS")).toBe(false);
  expect(refused.is("WORKER_NOT_FOUND")).toBe(true);
});

test("the list tells our codes from others", () => {
  expect(isErrorCode("SESSION_NOT_FOUND")).toBe(true);
  expect(isErrorCode("toString")).toBe(false);
  expect(isErrorCode("HTTP_502")).toBe(false);
});
