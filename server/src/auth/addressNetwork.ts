/**
 * The network a client address stands for when counting what one client
 * does: an IPv4 address itself (also written IPv4-mapped, `::ffff:a.b.c.d`),
 * an IPv6 address's /64 — the smallest network a provider hands one
 * customer, so one attacker holds all of its 2^64 addresses. Sign-in
 * throttling (`signInThrottle.ts`) and the audit's refusal aggregation
 * (`audit/refusalAggregator.ts`) count per network.
 */
import { isIPv4, isIPv6 } from 'node:net';

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;
const TRAILING_IPV4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The eight 16-bit groups of a valid IPv6 address (without zone), as numbers. */
function ipv6Groups(address: string): number[] {
  let text = address;
  const v4 = TRAILING_IPV4.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  if (tail === undefined) return parse(head);
  const first = parse(head);
  const last = parse(tail);
  return [...first, ...new Array<number>(8 - first.length - last.length).fill(0), ...last];
}

/**
 * The network of `address`: itself for IPv4, `a:b:c:d::/64` for IPv6; anything else (an empty or
 * unparsable address) is returned as it is.
 */
export function networkOf(address: string): string {
  const mapped = MAPPED_IPV4.exec(address);
  if (mapped?.[1] && isIPv4(mapped[1])) return mapped[1];
  if (isIPv4(address)) return address;
  const plain = address.split('%')[0] ?? '';
  if (!isIPv6(plain)) return address;
  const prefix = ipv6Groups(plain)
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':');
  return `${prefix}::/64`;
}
