import { timeout } from 'hono/timeout';
import type { MiddlewareHandler } from 'hono';
import client from 'prom-client';
import type { AppDeps } from './context';
import { securityHeaders } from './http/content-security';
import { createErrorHandler } from './http/error-handler';
import { ApiError } from './http/errors';
import { authenticate, SESSION_COOKIE } from './http/middleware/auth/index';
import { csrfProtection } from './http/middleware/csrf/index';
import { jsonGuard } from './http/middleware/json-guard/index';
import { bodyLimit } from './http/middleware/body-limit/index';
import { httpMetrics } from './http/middleware/http-metrics/index';
import { rateLimits } from './http/middleware/rate-limit/limits';
import { createRouter } from './http/router';
import { apiKeyRoutes } from './http/routes/api-keys';
import { auditLogRoutes } from './http/routes/audit-log';
import { authRoutes } from './http/routes/auth';
import { channelWebhookRoutes } from './http/routes/channel-webhooks';
import { channelRoutes } from './http/routes/channels';
import { contactDataRoutes } from './http/routes/contact-data';
import { credentialRoutes } from './http/routes/credentials';
import { contactRoutes } from './http/routes/contacts';
import { crmPushRoutes } from './http/routes/crm-pushes';
import { conversationRoutes } from './http/routes/conversations';
import { invitationRoutes } from './http/routes/invitations';
import { memberRoutes } from './http/routes/members';
import { messageRoutes } from './http/routes/messages';
import { streamRoutes } from './http/routes/stream';
import { tagRoutes } from './http/routes/tags';
import { broadcastRoutes } from './http/routes/broadcasts';
import { channelTemplateRoutes, conversationTemplateRoutes } from './http/routes/message-templates';
import { conversationSignalRoutes } from './http/routes/conversation-signals';
import { teamRoutes } from './http/routes/teams';
import { widgetRoutes } from './http/routes/widget';
import { widgetMediaRoutes } from './http/routes/widget-media';
import { isUploadPath, mediaUploadRoutes } from './http/routes/media-uploads';
import { mediaRoutes } from './http/routes/media';
import { flowWebhookRoutes } from './http/routes/flow-webhooks';
import { healthRoutes } from './http/routes/health';
import { knowledgeRoutes } from './http/routes/knowledge';
import { runRoutes } from './http/routes/runs';
import { templateRoutes } from './http/routes/templates';
import { IMPORT_LIMIT_BYTES, workflowToolRoutes } from './http/routes/workflow-tools';
import { docsHeaders, mountDocs } from './http/routes/docs';
import { previewHeaders, previewRoutes } from './http/routes/preview';
import { workflowRoutes } from './http/routes/workflows';
import { workflowFileRoutes } from './http/routes/workflow-files';
import { meRoutes, workspaceRoutes } from './http/routes/workspace';
import { aiTestRoutes } from './http/routes/ai-test';
import { mountStatic } from './http/static';

import { waitingRoutes } from './http/routes/waiting';
export interface CreateAppOptions {
  /** Serve the built web app and widget (off in API-only tests). */
  serveStatic?: boolean;
  registry?: client.Registry;
  /** Rate limits (see rate-limit/limits.ts): accounts through Postgres, widget/webhooks/API per process (on unless false). */
  rateLimit?: boolean;
}

/** Builds the whole HTTP application on the given dependencies. */
export function createApp(deps: AppDeps, options: CreateAppOptions = {}) {
  const registry = options.registry ?? new client.Registry();
  const app = createRouter();
  app.onError(createErrorHandler(deps.logger));
  app.use('*', httpMetrics({ registry }));
  const headers = securityHeaders();
  app.use('*', (c, next) =>
    c.req.path === '/api/docs' ? docsHeaders(c, next) : c.req.path.startsWith('/preview/') ? previewHeaders(c, next) : headers(c, next),
  );
  // The import route sets its own larger limit; everything else gets 1 MB.
  // Uploads have the media store's own limit (media-uploads.ts).
  app.use('/api/*', async (c, next) =>
    c.req.path === '/api/workflows/import' || isUploadPath(c.req.path) ? next() : bodyLimit()(c, next),
  );
  app.use('/webhooks/*', bodyLimit());
  // A database that hangs (rather than refusing connections) must not hang callers: past the
  // deadline they get 503 + Retry-After. A webhook whose transaction still commits afterwards is
  // dropped as a duplicate when the provider delivers it again. Event streams are exempt.
  const deadline = (ms: number): MiddlewareHandler => {
    const limit = timeout(
      ms,
      () => new ApiError(503, 'unavailable', 'The request took too long; retry shortly', undefined, { 'Retry-After': '5' }),
    );
    return (c, next) => (c.req.path.endsWith('/stream') ? next() : limit(c, next));
  };
  app.use('/webhooks/*', deadline(10_000));
  app.use('/widget/*', deadline(10_000));
  app.use('/api/*', deadline(30_000));
  // A page on another site (or another port of this host) cannot act with a signed-in cookie.
  app.use('/api/*', csrfProtection({ origins: [deps.config.publicUrl], cookieName: SESSION_COOKIE }));
  // JSON nested past 32 levels, NUL and lone surrogates stop here, before validators and the
  // database. Channel webhooks keep a provider's text (ingest drops what cannot be stored).
  app.use('/api/*', jsonGuard({ maxSize: IMPORT_LIMIT_BYTES }));
  app.use('/widget/*', jsonGuard({ maxSize: 64 * 1024 }));
  app.use('/webhooks/flows/*', jsonGuard({ maxSize: 1024 * 1024 }));
  app.use('/webhooks/channels/*', jsonGuard({ strictText: false, maxSize: 1024 * 1024 }));
  if (options.rateLimit !== false)
    for (const [path, limiter] of rateLimits({ trustProxy: deps.config.trustProxy ?? false, pool: deps.pool })) app.use(path, limiter);

  const auth = authenticate({ db: deps.db });
  const inboxPrefixes = [
    '/api/channels',
    '/api/conversations',
    '/api/inbox',
    '/api/messages',
    '/api/contacts',
    '/api/members',
    '/api/teams',
    '/api/tags',
    '/api/stream',
  ];
  for (const prefix of [
    '/api/me',
    '/api/workspace',
    '/api/audit-log',
    '/api/api-keys',
    '/api/credentials',
    '/api/workflows',
    '/api/runs',
    '/api/knowledge',
    '/api/templates',
    '/api/broadcasts',
    ...inboxPrefixes,
  ]) {
    app.use(prefix, auth);
    app.use(`${prefix}/*`, auth);
  }

  const routes = app
    .route('/', healthRoutes(deps, registry))
    .route('/api/auth', authRoutes(deps))
    .route('/api/invitations', invitationRoutes(deps))
    .route('/api/me', meRoutes(deps))
    .route('/api/workspace', workspaceRoutes(deps))
    .route('/api/workspace/ai', aiTestRoutes(deps))
    .route('/api/api-keys', apiKeyRoutes(deps))
    .route('/api/credentials', credentialRoutes(deps))
    .route('/api/audit-log', auditLogRoutes(deps))
    .route('/api/workflows', workflowFileRoutes(deps))
    .route('/api/workflows', workflowToolRoutes(deps))
    .route('/api/workflows', workflowRoutes(deps))
    .route('/api/runs', runRoutes(deps))
    .route('/api/knowledge', knowledgeRoutes(deps))
    .route('/api/templates', templateRoutes(deps))
    .route('/webhooks/flows', flowWebhookRoutes(deps))
    .route('/api/channels', channelRoutes(deps))
    .route('/api/conversations', conversationRoutes(deps))
    .route('/api/messages', messageRoutes(deps))
    .route('/api/contacts', contactRoutes(deps))
    .route('/api/contacts', contactDataRoutes(deps))
    .route('/api/contacts', crmPushRoutes(deps))
    .route('/api/members', memberRoutes(deps))
    .route('/api/inbox', waitingRoutes(deps))
    .route('/api/teams', teamRoutes(deps))
    .route('/api/tags', tagRoutes(deps))
    .route('/api/broadcasts', broadcastRoutes(deps))
    .route('/api/channels', channelTemplateRoutes(deps))
    .route('/api/conversations', conversationTemplateRoutes(deps))
    .route('/api/conversations', conversationSignalRoutes(deps))
    .route('/api/stream', streamRoutes(deps))
    .route('/webhooks/channels', channelWebhookRoutes(deps))
    .route('/widget', widgetRoutes(deps))
    .route('/widget', widgetMediaRoutes(deps))
    .route('/api/conversations', mediaUploadRoutes(deps))
    .route('/media', mediaRoutes(deps))
    .route('/preview', previewRoutes(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'cookieAuth', { type: 'apiKey', in: 'cookie', name: 'sb_session' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key: sb_...',
  });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Switchboard API', version: '1.0.0', description: 'Customer messaging inbox and flow automation.' },
    servers: [{ url: deps.config.publicUrl }],
  });
  mountDocs(app);

  if (options.serveStatic) mountStatic(app);
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }, 404));
  return routes;
}

export type AppType = ReturnType<typeof createApp>;
