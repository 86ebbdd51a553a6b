/**
 * A DNS look-up for sockets (`net.connect({ lookup })`, undici's connector) that hands back only
 * the addresses the policy allows. Because it is the socket's own look-up, the address judged is
 * the address connected to: a name that answers a public address to a first check and 127.0.0.1
 * to the connect (DNS rebinding) has nothing to slip through.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import type { EgressPolicy } from './policy';

export type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type CheckedLookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/** The resolver under the check: the system's by default; tests hand in one that answers what they need. */
export type Resolver = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

export function createCheckedLookup(policy: EgressPolicy, resolve: Resolver = dnsLookup): CheckedLookup {
  return (hostname, options, callback) => {
    const early = policy.checkHost(hostname);
    if (early) return callback(early, []);
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      let refusal: Error | null = null;
      const usable = addresses.filter((a) => {
        const verdict = policy.checkAddress(hostname, a.address);
        refusal ??= verdict;
        return verdict === null;
      });
      if (usable.length === 0)
        return callback(refusal ?? Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      if (options.all) return callback(null, usable);
      const first = usable[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}
