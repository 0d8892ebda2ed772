/** A user-facing configuration mistake: main prints its message on one line and exits 2. */
export class ConfigError extends Error {}
