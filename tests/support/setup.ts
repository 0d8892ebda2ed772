import { setDefaultTimeout } from "bun:test";

// Tests spawn gateways, Redis and browsers; on a busy 2-core machine 5 s is too tight to be reliable.
setDefaultTimeout(30_000);
