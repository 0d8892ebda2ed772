import { expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/*
 * The folders of src/ read as the architecture: no two top-level folders import each other, directly
 * or around a loop, and the contracts are a leaf both sides share. This is the project's cycle check.
 */
const SRC = resolve(import.meta.dir, "../../src");
const IMPORT = /(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });

/** The top-level folder of a file under src/ ("(root)" for src/*.ts); contracts count per contract. */
const folderOf = (path: string): string => {
  const parts = relative(SRC, path).split(sep);
  if (parts.length === 1) return "(root)";
  return parts[0] === "contracts" && parts.length > 2 ? `contracts/${parts[1]}` : parts[0]!;
};

const edges = new Map<string, Map<string, string>>();
for (const file of files(SRC)) {
  for (const [, spec] of readFileSync(file, "utf8").matchAll(IMPORT)) {
    const from = folderOf(file);
    const to = folderOf(resolve(dirname(file), spec!));
    if (from === to) continue;
    const out = edges.get(from) ?? new Map<string, string>();
    if (!out.has(to)) out.set(to, `${relative(SRC, file)} → ${spec}`);
    edges.set(from, out);
  }
}

/** Strongly connected components with more than one folder (Tarjan). */
const cycles = (): string[][] => {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) component.push(w);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
};

test("no import cycles between src/'s folders", () => {
  const described = cycles().map((component) =>
    component.flatMap((a) => component.filter((b) => edges.get(a)?.has(b)).map((b) => `${a} → ${b} (${edges.get(a)!.get(b)})`)),
  );
  expect(described).toEqual([]);
});

test("the contracts are a leaf: they import nothing else of src/", () => {
  const outside = [...edges.entries()]
    .filter(([from]) => from.startsWith("contracts/"))
    .flatMap(([, out]) => [...out.entries()].filter(([to]) => !to.startsWith("contracts/")).map(([, where]) => where));
  expect(outside).toEqual([]);
});

test("the check sees the code: it finds the imports the roles are built from", () => {
  expect(edges.get("roles")?.has("registry")).toBe(true);
  expect(edges.get("(root)")?.has("roles")).toBe(true);
});
