import { describe, expect, it } from 'vitest';
import { EgressRefusedError } from './errors';
import { createPolicy } from './policy';

/** The verdict for a URL host as a connection would see it: literal first, then its address. */
function verdict(policy: ReturnType<typeof createPolicy>, host: string, resolvedTo?: string): string | null {
  const early = policy.checkHost(host);
  if (early) return early.reason;
  if (resolvedTo === undefined) return null;
  return policy.checkAddress(host, resolvedTo)?.reason ?? null;
}

// Every spelling of a place a tenant must not reach, as it reaches the policy: URL hosts are
// WHATWG-normalized first (new URL('http://2130706433/').hostname === '127.0.0.1'), other callers
// (SMTP host, a look-up) hand the raw string over, so both are tried.
const refusedHosts = [
  '127.0.0.1',
  '2130706433',
  '0177.0.0.1',
  '0x7f000001',
  '0x7f.0.0.1',
  '127.1',
  '127.0.1',
  '127.255.255.254',
  '[::1]',
  '::1',
  '[::ffff:127.0.0.1]',
  '::ffff:7f00:1',
  '[64:ff9b::7f00:1]',
  '::7f00:1',
  '0.0.0.0',
  '0',
  '[::]',
  '169.254.169.254',
  '[fd00:ec2::254]',
  '100.100.100.200',
  '100.64.0.1',
  '10.0.0.1',
  '10.255.255.255',
  '172.16.0.1',
  '172.31.255.255',
  '192.168.1.1',
  '[fc00::1]',
  '[fd12:3456::1]',
  '[fe80::1]',
  '224.0.0.1',
  '[ff02::1]',
  '255.255.255.255',
  '198.18.0.1',
  '240.0.0.1',
  '[2002:7f00:1::]',
  '[::ffff:10.0.0.1]',
  '[64:ff9b::a9fe:a9fe]',
];

describe('createPolicy without operator entries', () => {
  const strict = createPolicy([]);

  it.each(refusedHosts)('refuses %s before any connection', (host) => {
    expect(strict.checkHost(host)).toBeInstanceOf(EgressRefusedError);
  });

  it.each(refusedHosts.map((h) => `http://${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}/`))(
    'refuses the URL %s after WHATWG parsing',
    (url) => {
      expect(strict.checkHost(new URL(url).hostname)).toBeInstanceOf(EgressRefusedError);
    },
  );

  it('refuses metadata names before DNS, and names resolving to private addresses', () => {
    expect(verdict(strict, 'metadata.google.internal')).toBe('metadata');
    expect(verdict(strict, 'METADATA.google.internal.')).toBe('metadata');
    expect(verdict(strict, 'metadata')).toBe('metadata');
    expect(verdict(strict, 'localhost', '127.0.0.1')).toBe('private');
    expect(verdict(strict, 'localtest.me', '127.0.0.1')).toBe('private');
    expect(verdict(strict, 'rebind.example', '::ffff:169.254.169.254')).toBe('metadata');
    expect(verdict(strict, 'intranet.example', '10.1.2.3')).toBe('private');
  });

  it('allows public unicast, including NAT64 of a public address', () => {
    expect(verdict(strict, '93.184.216.34')).toBeNull();
    expect(verdict(strict, 'example.com', '93.184.216.34')).toBeNull();
    expect(verdict(strict, '[2606:4700::1111]')).toBeNull();
    expect(verdict(strict, '[64:ff9b::808:808]')).toBeNull();
    expect(verdict(strict, 'example.com')).toBeNull();
  });

  it('names the host asked for, never the address it resolved to', () => {
    expect(strict.checkAddress('sneaky.example', '10.9.8.7')?.message).toBe('Refused: sneaky.example is a private address');
  });
});

describe('createPolicy with EGRESS_ALLOW', () => {
  it('opens exactly the listed address, in any spelling', () => {
    const policy = createPolicy(['127.0.0.1']);
    expect(verdict(policy, '127.0.0.1')).toBeNull();
    expect(verdict(policy, '2130706433')).toBeNull();
    expect(verdict(policy, '[::ffff:127.0.0.1]')).toBeNull();
    expect(verdict(policy, 'localhost', '127.0.0.1')).toBeNull();
    expect(verdict(policy, '127.0.0.2')).toBe('private');
    expect(verdict(policy, '[::1]')).toBe('private');
    expect(verdict(policy, '10.0.0.1')).toBe('private');
  });

  it('opens a host name whatever it resolves to, and only that name', () => {
    const policy = createPolicy(['crm.lan']);
    expect(verdict(policy, 'CRM.lan', '192.168.1.20')).toBeNull();
    expect(verdict(policy, 'other.lan', '192.168.1.20')).toBe('private');
  });

  it('opens a CIDR range but not the metadata address inside it', () => {
    const policy = createPolicy(['169.254.0.0/16', '10.0.0.0/8', 'fd00::/8']);
    expect(verdict(policy, '10.20.30.40')).toBeNull();
    expect(verdict(policy, '169.254.1.1')).toBeNull();
    expect(verdict(policy, '169.254.169.254')).toBe('metadata');
    expect(verdict(policy, '[fd00:ec2::254]')).toBe('metadata');
    expect(verdict(policy, '[fd12::1]')).toBeNull();
    expect(verdict(policy, '172.16.0.1')).toBe('private');
    expect(verdict(createPolicy(['169.254.169.254']), '169.254.169.254')).toBeNull();
  });

  it('rejects entries that are not hosts, addresses or ranges', () => {
    expect(() => createPolicy(['10.0.0.0/99'])).toThrow(/not a valid CIDR/);
    expect(() => createPolicy(['http://x/'])).toThrow(/EGRESS_ALLOW/);
    expect(createPolicy([' ', '']).allow).toHaveLength(2);
  });
});
