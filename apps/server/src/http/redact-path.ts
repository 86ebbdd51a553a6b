/**
 * A flow webhook's URL is its secret: `/webhooks/flows/<token>` is logged and labelled as
 * `/webhooks/flows/:token`, never with the token.
 */
export function redactPath(path: string): string {
  return path.startsWith('/webhooks/flows/') ? '/webhooks/flows/:token' : path;
}
