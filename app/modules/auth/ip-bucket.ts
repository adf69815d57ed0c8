import { isIPv4, isIPv6 } from "node:net";

/**
 * The unit that per-network limits count: an IPv4 address as it is, an IPv6 address by its /64.
 * One IPv6 customer is usually handed a whole /64, so counting single addresses would let them
 * rotate through billions of fresh ones. IPv4-mapped IPv6 addresses count as their IPv4 address.
 * Returns null when there is no address.
 */
export function ipBucket(ip: string | null | undefined): string | null {
  if (!ip) return null;
  let text = ip.trim();
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  if (!text) return null;
  if (isIPv4(text)) return text;
  if (!isIPv6(text)) return text.toLowerCase().slice(0, 64);
  const groups = expandIPv6(text.toLowerCase());
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64`;
}

/**
 * The network a staff sign-in comes from, for slowing down password guesses: an IPv4 address by
 * its /24 and an IPv6 address by its /64 (what one customer or office usually holds), so moving
 * to a neighbouring address does not start a fresh count. Null when there is no address.
 */
export function ipNetwork(ip: string | null | undefined): string | null {
  const bucket = ipBucket(ip);
  if (!bucket || !isIPv4(bucket)) return bucket;
  return `${bucket.split(".").slice(0, 3).join(".")}.0/24`;
}

/** The eight 16-bit groups of a valid IPv6 address (with "::" and a dotted IPv4 tail expanded). */
function expandIPv6(text: string): number[] {
  let tail: number[] = [];
  let head = text;
  const lastColon = text.lastIndexOf(":");
  const last = text.slice(lastColon + 1);
  if (last.includes(".")) {
    const [a, b, c, d] = last.split(".").map(Number) as [number, number, number, number];
    tail = [(a << 8) | b, (c << 8) | d];
    head = text.slice(0, lastColon + 1);
    // "::1.2.3.4" leaves "::"; "64:ff9b::1.2.3.4" leaves "64:ff9b::"; "1:2:3:4:5:6:1.2.3.4" leaves a trailing ":".
    if (head.endsWith(":") && !head.endsWith("::")) head = head.slice(0, -1);
  }
  const parse = (part: string) => (part ? part.split(":").map((g) => parseInt(g, 16)) : []);
  const gap = head.indexOf("::");
  let groups: number[];
  if (gap >= 0) {
    const left = parse(head.slice(0, gap));
    const right = parse(head.slice(gap + 2));
    groups = [...left, ...new Array<number>(8 - tail.length - left.length - right.length).fill(0), ...right];
  } else {
    groups = parse(head);
  }
  return [...groups, ...tail];
}
