/**
 * The one egress guard of this process, built from the operator's EGRESS_ALLOW. Flow HTTP and
 * CRM steps, the AI client, channel sends, callbacks and media downloads and the SMTP transport
 * all receive this guard; none opens a connection of its own. One guard per allow-list (in
 * practice one per process; tests build several configs) so its kept-alive connections are shared
 * by every call instead of a new agent per message.
 */
import { createEgressGuard, type EgressGuard } from '@switchboard/egress';
import type { Config } from '../config';

const guards = new Map<string, EgressGuard>();

/** The guard for this configuration; throws at boot when an EGRESS_ALLOW entry cannot be read. */
export function egressFor(config: Pick<Config, 'egressAllow'>): EgressGuard {
  const allow = config.egressAllow ?? [];
  const key = allow.join(',');
  let guard = guards.get(key);
  if (!guard) {
    guard = createEgressGuard({ allow });
    guards.set(key, guard);
  }
  return guard;
}
