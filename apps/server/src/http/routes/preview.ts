import { eq } from 'drizzle-orm';
import { APP_POLICY, securityHeaders } from '../content-security';
import { workspaces } from '@switchboard/db';
import type { AppDeps } from '../../context';
import { channelCache } from '../../inbox/channel-store';
import { notFound } from '../errors';
import { createRouter } from '../router';

/**
 * The app's policy with one addition: pictures from any web address, because the bubble's avatar
 * (an http(s) URL the owner chose) must show here as it would on their site. Scripts still load
 * only from this server: the page has no inline script.
 */
export const previewHeaders = securityHeaders({ imgSrc: [...APP_POLICY.imgSrc, 'https:', 'http:'] });

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

const page = (business: string, channelId: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>${business} — chat preview</title>
<style>
body{margin:0;font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2937;background:#faf7f2}
main{max-width:640px;margin:0 auto;padding:56px 24px}
h1{font-size:32px;margin:0 0 8px}
.note{background:#fff;border:1px solid #e7e2da;border-radius:12px;padding:16px 20px}
</style>
</head>
<body>
<main>
<h1>${business}</h1>
<p>This is a preview page for your website chat: it shows the chat bubble as your visitors see it.</p>
<div class="note">
<p><strong>Try it:</strong> click the chat bubble in the corner and say hello. Your published flows answer here,
and the conversation appears in your inbox like any other.</p>
<p>Visits to this page do not count as the bubble being installed on your website.</p>
</div>
</main>
<script src="/widget.js" data-channel="${channelId}" async></script>
</body>
</html>
`;

/**
 * `GET /preview/:channelId`: a page on this server with a website chat's bubble, so an owner can
 * try the chat before touching their own site. Anyone with the channel id may open it, as anyone
 * may open the owner's site: it shows nothing the bubble does not.
 */
export function previewRoutes(deps: AppDeps) {
  const cache = channelCache(deps);
  const router = createRouter();
  router.get('/:channelId', async (c) => {
    const channelId = c.req.param('channelId');
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(channelId)) throw notFound('Chat');
    const channel = await cache.get(channelId);
    if (!channel || channel.deleted || channel.type !== 'webchat') throw notFound('Chat');
    const [workspace] = await deps.db.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, channel.workspaceId));
    c.header('Cache-Control', 'no-store');
    c.header('X-Robots-Tag', 'noindex');
    return c.html(page(escapeHtml(workspace?.name ?? channel.name), channel.id));
  });
  return router;
}
