import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  // Each feature keeps its tables in its own schema.ts.
  schema: "./src/**/schema.ts",
  out: "./drizzle",
});
