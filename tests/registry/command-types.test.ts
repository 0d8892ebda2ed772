import { expect, test } from "bun:test";
import { Command } from "../../src/contracts/worker-api/commands.ts";
import { COMMAND_TYPES } from "../../src/contracts/worker-api/vocabulary.ts";

// The types are checked against the vocabulary at compile time; this catches one the heartbeat schema leaves out.
test("the heartbeat schema's commands are exactly the vocabulary's command types", () => {
  const inSchema = Command.anyOf.map((variant) => variant.properties.type.const);
  expect(inSchema).toEqual([...COMMAND_TYPES]);
});
