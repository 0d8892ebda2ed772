import type { Server } from "bun";

/**
 * The peer address of each request, noted by the listener (only Bun's server knows it) and read by
 * whoever logs or limits by source. A request made inside the process (a worker in --role=all calling
 * the coordinator through `app.handle`) has no peer: it reads as "internal".
 */
const addresses = new WeakMap<Request, string>();

export function noteClientAddress(request: Request, server: Server<undefined>): void {
  const address = server.requestIP(request)?.address;
  if (address) addresses.set(request, address);
}

export const clientAddressOf = (request: Request): string => addresses.get(request) ?? "internal";
