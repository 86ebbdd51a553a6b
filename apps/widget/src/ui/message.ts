import type { WidgetAttachment } from '../contract';
import type { ThreadItem } from '../thread';
import { h, safeImageUrl } from './dom';

/** One message row. `onRetry` is offered on a message the server never accepted. */
export function renderMessage(m: ThreadItem, onRetry: (clientId: string) => void): HTMLElement {
  const side = m.author === 'system' ? 'system' : m.direction;
  const row = h('div', { class: `m ${side}${m.state ? ` ${m.state}` : ''}` });
  if (m.direction === 'out' && m.author === 'agent' && m.authorName) {
    row.append(h('div', { class: 'who' }, m.authorName));
  }
  const files =
    m.attachments ?? (m.mediaUrl ? [{ url: m.mediaUrl, kind: 'image' as const, name: null, contentType: null, pending: false }] : []);
  for (const file of files) row.append(renderFile(file));
  const map = safeImageUrl(m.location?.mapUrl);
  if (map)
    row.append(
      h(
        'a',
        { class: 'f', href: map, target: '_blank', rel: 'noopener' },
        `📍 ${[m.location!.name, m.location!.address].filter(Boolean).join(', ') || 'Location'}`,
      ),
    );
  if (m.text) {
    const time = new Date(m.createdAt);
    row.append(h('div', { class: 'b', title: isNaN(+time) ? '' : time.toLocaleString() }, m.text));
  }
  if (m.state === 'sending') row.append(h('div', { class: 'meta' }, 'Sending…'));
  if (m.state === 'failed') {
    const retry = h('button', { type: 'button' }, 'Retry');
    retry.onclick = () => onRetry(m.clientId!);
    row.append(h('div', { class: 'meta' }, 'Not sent. ', retry));
  }
  return row;
}

/** A picture, a player or a download link; only http(s) links are ever used. */
function renderFile(file: WidgetAttachment): HTMLElement {
  const src = safeImageUrl(file.url ?? undefined);
  const name = file.name || 'file';
  if (!src) return h('div', { class: 'meta' }, file.pending ? `Receiving ${name}…` : `${name} could not be received`);
  if (file.kind === 'image') return h('a', { href: src, target: '_blank', rel: 'noopener' }, h('img', { src, alt: name, loading: 'lazy' }));
  if (file.kind === 'audio' || file.kind === 'video') return h(file.kind, { src, controls: '', preload: 'metadata' });
  return h('a', { class: 'f', href: src, target: '_blank', rel: 'noopener', download: name }, `📄 ${name}`);
}
