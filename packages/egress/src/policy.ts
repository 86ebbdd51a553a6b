/**
 * The operator's rule for outbound connections. Public unicast is allowed; everything else is
 * refused unless `EGRESS_ALLOW` names it: a host name (any address it resolves to), an IP address,
 * or a CIDR range. Nothing a workspace stores can widen this.
 */
import ipaddr from 'ipaddr.js';
import { type Address, METADATA_NAMES, bareHost, isMetadataAddress, normalize, parseAddress, privateRange } from './address';
import { EgressRefusedError } from './errors';

export interface EgressPolicy {
  /** The operator's entries, as given. */
  readonly allow: readonly string[];
  /** Judged before any connection: metadata names and IP literals. Null when a look-up may follow. */
  checkHost(host: string): EgressRefusedError | null;
  /** Judged on each address a connection to `host` would use. */
  checkAddress(host: string, address: string): EgressRefusedError | null;
}

// A DNS label: letters, digits, hyphens, underscores (SRV-style names some LANs use).
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** Parses the operator's list; throws on an entry that is neither a host, an IP nor a CIDR. */
export function createPolicy(allow: readonly string[]): EgressPolicy {
  const names = new Set<string>();
  const addresses = new Set<string>();
  const ranges: [Address, number][] = [];
  for (const raw of allow) {
    const entry = bareHost(raw);
    if (entry === '') continue;
    if (entry.includes('/')) {
      try {
        const [address, bits] = ipaddr.parseCIDR(entry);
        ranges.push([address, bits]);
      } catch {
        throw new Error(`EGRESS_ALLOW: "${raw}" is not a valid CIDR range`);
      }
      continue;
    }
    const address = parseAddress(entry);
    if (address) addresses.add(address.toString());
    else if (HOST_NAME.test(entry)) names.add(entry);
    else throw new Error(`EGRESS_ALLOW: "${raw}" is neither a host name, an IP address nor a CIDR range`);
  }

  // Addresses arrive normalized (IPv4-mapped forms as IPv4), so an IPv4 range covers them too.
  const inRange = (address: Address) => ranges.some(([base, bits]) => base.kind() === address.kind() && address.match(base, bits));

  function judge(host: string, address: Address): EgressRefusedError | null {
    if (names.has(host) || addresses.has(address.toString())) return null;
    if (isMetadataAddress(address)) return new EgressRefusedError(host, 'metadata');
    if (inRange(address)) return null;
    return privateRange(address) === null ? null : new EgressRefusedError(host, 'private');
  }

  return {
    allow: [...allow],
    checkHost(rawHost) {
      const host = bareHost(rawHost);
      if (names.has(host)) return null;
      if (METADATA_NAMES.has(host)) return new EgressRefusedError(host, 'metadata');
      const literal = parseAddress(host);
      return literal ? judge(host, literal) : null;
    },
    checkAddress(rawHost, rawAddress) {
      const host = bareHost(rawHost);
      const address = parseAddress(rawAddress);
      if (!address) return new EgressRefusedError(host, 'private');
      return judge(host, normalize(address));
    },
  };
}
