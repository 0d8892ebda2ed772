// `with { type: "file" }` imports give a path that Bun.file can read, also inside the compiled binary.
declare module "scalar-standalone.js" {
  const path: string;
  export default path;
}
