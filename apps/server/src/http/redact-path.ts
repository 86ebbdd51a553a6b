/**
 * Paths whose next segment is a one-time or bearer token: a flow webhook's URL (its only
 * credential), an invitation (its API and its page) and a password reset link. They are logged
 * and labelled with `:token` in the token's place, never with the token.
 */
const TOKEN_PREFIXES = ['/webhooks/flows/', '/api/invitations/', '/invite/', '/reset/'];

export function redactPath(path: string): string {
  const prefix = TOKEN_PREFIXES.find((p) => path.startsWith(p));
  if (!prefix) return path;
  const rest = path.slice(prefix.length);
  const slash = rest.indexOf('/');
  return `${prefix}:token${slash < 0 ? '' : rest.slice(slash)}`;
}
