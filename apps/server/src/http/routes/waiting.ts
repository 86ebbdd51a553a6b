import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../context';
import { waitingForPerson } from '../../inbox/waiting';
import { cookieAuth, errors, json } from '../openapi-helpers';
import { createRouter } from '../router';

const Waiting = z
  .object({
    count: z.number().int().openapi({ description: 'Open conversations waiting for a person' }),
    conversations: z.array(
      z.object({
        id: z.string().uuid(),
        contactName: z.string().nullable(),
        waitingForPersonSince: z.string(),
        unread: z.number().int().openapi({ description: "The customer's messages since it began waiting" }),
      }),
    ),
  })
  .openapi('WaitingForPerson');

const waitingRoute = createRoute({
  method: 'get',
  path: '/waiting',
  tags: ['Inbox'],
  summary: 'Conversations waiting for a person (no flow answered, or handed off), longest waiting first, with unread counts',
  security: cookieAuth,
  responses: { 200: json(Waiting), ...errors(401) },
});

export function waitingRoutes(deps: AppDeps) {
  return createRouter().openapi(waitingRoute, async (c) => c.json(await waitingForPerson(deps.db, c.var.auth.workspaceId), 200));
}
