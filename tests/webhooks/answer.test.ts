import { expect, test } from "bun:test";
import { classifyAnswer } from "../../src/webhooks/answer.ts";

test("one policy for every webhook sender: 2xx delivers, 410 is gone, other 4xx refuse, 408/429/5xx/3xx/no answer retry", () => {
  const verdicts = Object.fromEntries([200, 204, 299, 301, 400, 401, 404, 408, 410, 413, 422, 429, 499, 500, 503].map((code) => [code, classifyAnswer(code)]));
  expect(verdicts).toEqual({
    200: "delivered",
    204: "delivered",
    299: "delivered",
    301: "retry",
    400: "refused",
    401: "refused",
    404: "refused",
    408: "retry",
    410: "gone",
    413: "refused",
    422: "refused",
    429: "retry",
    499: "refused",
    500: "retry",
    503: "retry",
  });
  expect(classifyAnswer(null)).toBe("retry");
});
