/**
 * A failure to start that the operator can fix (a missing package, a data dir in
 * use). main prints the message alone, without a stack trace, and exits 1.
 */
export class StartupError extends Error {}
