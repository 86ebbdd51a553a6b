/**
 * A channel's stored tokens belong to the server they were made for. Whoever points a channel at
 * another server (its `baseUrl` origin, an email channel's provider, the SMTP host or port) enters
 * the tokens again: an admin cannot re-point a channel at a server of their own and have the
 * owner's bot token, auth token or API key delivered there with the next reply.
 */
import { secretFieldsOf } from './channel-store';

/**
 * Secrets the server makes itself and shows to admins (the API channel's signing secret, the
 * widget's identity secret, the inbound address's secret): they are checked on the way in and
 * never sent to a provider, so moving the channel keeps them.
 */
const GENERATED: Readonly<Record<string, readonly string[]>> = { api: ['secret'], webchat: ['identitySecret'], email: ['inboundSecret'] };

function originOf(value: unknown): string {
  if (typeof value !== 'string' || value === '') return 'default';
  try {
    return new URL(value).origin;
  } catch {
    return value;
  }
}

/** Where the channel's credentials go: equal strings mean the same server. */
export function destinationOf(type: string, config: Record<string, unknown>): string {
  if (type === 'email') {
    if (config.provider === 'smtp') {
      const smtp = (config.smtp ?? {}) as { host?: unknown; port?: unknown };
      return `smtp ${String(smtp.host ?? '')
        .trim()
        .toLowerCase()}:${String(smtp.port ?? '')}`;
    }
    return `${String(config.provider)} ${originOf(config.baseUrl)}`;
  }
  return originOf(config.baseUrl);
}

/** A secret counts as entered again when the patch carries a value for it ('' means "unchanged"). */
const enteredAgain = (patch: Record<string, unknown>, name: string) =>
  name in patch && patch[name] !== '' && patch[name] !== undefined && patch[name] !== null;

/**
 * The stored secrets to drop because `after` sends to another server than `before`, leaving out
 * those the same patch enters again. `before` and `after` are full configs (secrets merged in).
 */
export function secretsToDrop(
  type: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  patch: Record<string, unknown>,
): string[] {
  if (destinationOf(type, before) === destinationOf(type, after)) return [];
  const kept = new Set(GENERATED[type] ?? []);
  return secretFieldsOf(type).filter((name) => before[name] !== undefined && !kept.has(name) && !enteredAgain(patch, name));
}

/** Field-error wording for a secret that must be entered again. */
export const ENTER_AGAIN = 'The channel now sends to another server: enter this again (the stored one was removed so it is not sent there)';
