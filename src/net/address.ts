import { BlockList, isIP } from "node:net";

/*
 * Addresses a server-side fetch must not reach on an integrator's say-so:
 * private, loopback, link-local and the other non-public ranges (unspecified,
 * carrier-grade NAT, benchmarking, multicast, reserved). IPv4-mapped IPv6
 * addresses match the IPv4 rules.
 */
const NON_PUBLIC_V4: [string, number][] = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];
const NON_PUBLIC_V6: [string, number][] = [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
];

let blockList: BlockList | undefined;

function nonPublic(): BlockList {
  if (!blockList) {
    blockList = new BlockList();
    for (const [net, prefix] of NON_PUBLIC_V4) blockList.addSubnet(net, prefix, "ipv4");
    for (const [net, prefix] of NON_PUBLIC_V6) blockList.addSubnet(net, prefix, "ipv6");
  }
  return blockList;
}

/** True for an IP address on the public internet; false for anything else, including non-addresses. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !nonPublic().check(address, family === 4 ? "ipv4" : "ipv6");
}
