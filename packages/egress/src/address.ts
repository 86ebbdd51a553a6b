/**
 * What an address is, judged on the address a socket would really reach. ipaddr.js names the
 * range; anything it does not call `unicast` is not the public internet. Addresses that only
 * wrap an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, the NAT64 well-known prefix
 * `64:ff9b::/96`) are judged as the IPv4 address inside, so `[::ffff:127.0.0.1]` is loopback.
 */
import ipaddr from 'ipaddr.js';

export type Address = ipaddr.IPv4 | ipaddr.IPv6;

const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');
// `::a.b.c.d` (IPv4-compatible, deprecated by RFC 4291): ipaddr.js calls it unicast, some stacks
// still route it to the IPv4 address inside.
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/**
 * Cloud metadata endpoints. Each is in a refused range already; naming them keeps an operator's
 * broad `EGRESS_ALLOW` range (say 169.254.0.0/16 or fd00::/8) from opening them by accident: only
 * the exact address in the list does.
 */
const METADATA_ADDRESSES = new Set(['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '100.100.100.200', '192.0.0.192']);

/** Names that reach a metadata service inside clouds; refused before any DNS look-up. */
export const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** `[::1]` -> `::1`, `Example.COM.` -> `example.com`: the form names are compared in. */
export function bareHost(host: string): string {
  return host
    .trim()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}

/**
 * The address a host string spells, or null for a name. Accepts every spelling the C library
 * accepts too (decimal `2130706433`, octal `0177.0.0.1`, hex `0x7f000001`, short `127.1`), so a
 * name that is really a number is judged as the number.
 */
export function parseAddress(host: string): Address | null {
  const bare = bareHost(host);
  if (!ipaddr.isValid(bare)) return null;
  return normalize(ipaddr.parse(bare));
}

/** IPv4-mapped and NAT64 addresses become the IPv4 address they carry. */
export function normalize(address: Address): Address {
  if (address.kind() === 'ipv4') return address;
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  if (v6.match(NAT64)) {
    const bytes = v6.toByteArray().slice(12);
    return ipaddr.fromByteArray(bytes) as ipaddr.IPv4;
  }
  return v6;
}

/** The reason an address is not public unicast (ipaddr.js's range name), or null when it is. */
export function privateRange(address: Address): string | null {
  const range = address.range();
  if (range !== 'unicast') return range;
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).match(IPV4_COMPATIBLE)) return 'ipv4Compatible';
  return null;
}

export function isMetadataAddress(address: Address): boolean {
  return METADATA_ADDRESSES.has(address.toString());
}
