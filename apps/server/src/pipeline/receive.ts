import type { Logger } from '../logger';
import { adapterFor, InboundParseError, type InboundEvent, type InboundRequest, type VerifyContext } from '../inbox/adapters';

type Adapter = NonNullable<ReturnType<typeof adapterFor>>;

/** Why a webhook is refused before anything is stored; the HTTP route turns it into its status. */
export type Refusal =
  | { kind: 'unreadable'; reason: string }
  | { kind: 'unverified'; status: 401 | 403; reason: string }
  | { kind: 'unparsable'; reason: string };

export type Received = { ok: true; events: InboundEvent[] } | { ok: false; refusal: Refusal };

/**
 * The receive stage: a provider's request is verified on its raw body with the channel's own
 * scheme, and only then parsed into inbound events (messages, status callbacks, read watermarks)
 * for the store stage.
 */
export function receive(
  adapter: Adapter,
  config: unknown,
  req: InboundRequest,
  context: VerifyContext,
  logger: Logger,
  channelId: string,
): Received {
  let verdict: ReturnType<Adapter['verify']>;
  try {
    verdict = adapter.verify(req, config, context);
  } catch {
    return { ok: false, refusal: { kind: 'unreadable', reason: 'The request could not be read to check its signature' } };
  }
  if (!verdict.ok)
    return { ok: false, refusal: { kind: 'unverified', status: verdict.status === 401 ? 401 : 403, reason: verdict.reason } };
  try {
    return { ok: true, events: adapter.parseInbound(req, config) };
  } catch (err) {
    if (err instanceof InboundParseError) return { ok: false, refusal: { kind: 'unparsable', reason: err.message } };
    logger.warn({ err, channelId }, 'adapter could not parse a verified webhook');
    return { ok: false, refusal: { kind: 'unparsable', reason: 'The request body could not be read' } };
  }
}
