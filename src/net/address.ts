import { BlockList, isIP } from "node:net";

/*
 * Addresses a server-side fetch must not reach on an integrator's say-so:
 * private, loopback, link-local and the other non-public ranges (unspecified,
 * carrier-grade NAT, benchmarking, multicast, reserved). IPv6 addresses that
 * carry an IPv4 address the network delivers to (IPv4-mapped, NAT64's
 * well-known prefix, 6to4) are judged by that IPv4 address.
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
/**
 * Only 2000::/3 is global unicast: anything outside it (unspecified, loopback,
 * unique-local, link-local, multicast, local-use NAT64 64:ff9b:1::/48, the
 * unassigned rest) is refused before this list is asked. These are the
 * non-public ranges inside it.
 */
const GLOBAL_UNICAST_V6: [string, number] = ["2000::", 3];
const NON_PUBLIC_V6: [string, number][] = [
  ["2001:db8::", 32],
  ["3fff::", 20],
];

let blockLists: { v4: BlockList; v6: BlockList; global: BlockList } | undefined;

function lists(): { v4: BlockList; v6: BlockList; global: BlockList } {
  if (!blockLists) {
    const v4 = new BlockList();
    for (const [net, prefix] of NON_PUBLIC_V4) v4.addSubnet(net, prefix, "ipv4");
    const v6 = new BlockList();
    for (const [net, prefix] of NON_PUBLIC_V6) v6.addSubnet(net, prefix, "ipv6");
    const global = new BlockList();
    global.addSubnet(GLOBAL_UNICAST_V6[0], GLOBAL_UNICAST_V6[1], "ipv6");
    blockLists = { v4, v6, global };
  }
  return blockLists;
}

/** The eight 16-bit groups of an address `isIP` accepted as IPv6 (a dotted IPv4 tail and a zone allowed). */
function hextets(address: string): number[] {
  let text = address.split("%")[0] ?? address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const groups = (part: string): number[] => (part === "" ? [] : part.split(":").map((g) => parseInt(g, 16)));
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

const dottedQuad = (high: number, low: number): string => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;

/**
 * The IPv4 address a packet to this IPv6 address ends up at, where the
 * network delivers it there: IPv4-mapped ::ffff:0:0/96 (the socket speaks
 * IPv4), NAT64's well-known 64:ff9b::/96 (RFC 6052) and 6to4's 2002::/16,
 * which carries it in bits 16 to 48 (RFC 3056). Without this, 2002:7f00:1::
 * would pass as public and reach 127.0.0.1 through a 6to4 relay.
 */
function embeddedV4(groups: number[]): string | undefined {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) return dottedQuad(g6, g7);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return dottedQuad(g6, g7);
  if (g0 === 0x2002) return dottedQuad(g1, g2);
  return undefined;
}

/** True for an IP address on the public internet; false for anything else, including non-addresses. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const { v4, v6, global } = lists();
  if (family === 4) return !v4.check(address, "ipv4");
  const groups = hextets(address);
  const carried = embeddedV4(groups);
  if (carried !== undefined) return !v4.check(carried, "ipv4");
  // Rebuilt from the groups, so a zone id or a dotted tail never reaches BlockList.
  const canonical = groups.map((g) => g.toString(16)).join(":");
  return global.check(canonical, "ipv6") && !v6.check(canonical, "ipv6");
}
