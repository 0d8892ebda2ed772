// Bun imports these as text (`with { type: "text" }`), which embeds them in the binary.
declare module "*.sql" {
  const text: string;
  export default text;
}
// The dashboard's browser files (tsconfig "paths" maps the prefix to src/dashboard/assets), embedded as text.
declare module "dashboard-assets/*" {
  const text: string;
  export default text;
}
