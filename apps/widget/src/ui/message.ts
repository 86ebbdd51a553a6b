import type { ThreadItem } from '../thread';
import { h, safeImageUrl } from './dom';

/** One message row. `onRetry` is offered on a message the server never accepted. */
export function renderMessage(m: ThreadItem, onRetry: (clientId: string) => void): HTMLElement {
  const side = m.author === 'system' ? 'system' : m.direction;
  const row = h('div', { class: `m ${side}${m.state ? ` ${m.state}` : ''}` });
  if (m.direction === 'out' && m.author === 'agent' && m.authorName) {
    row.append(h('div', { class: 'who' }, m.authorName));
  }
  const src = safeImageUrl(m.mediaUrl);
  if (src) row.append(h('img', { src, alt: '', loading: 'lazy' }));
  if (m.text) {
    const time = new Date(m.createdAt);
    row.append(
      h('div', { class: 'b', title: isNaN(+time) ? '' : time.toLocaleString() }, m.text),
    );
  }
  if (m.state === 'sending') row.append(h('div', { class: 'meta' }, 'Sending…'));
  if (m.state === 'failed') {
    const retry = h('button', { type: 'button' }, 'Retry');
    retry.onclick = () => onRetry(m.clientId!);
    row.append(h('div', { class: 'meta' }, 'Not sent. ', retry));
  }
  return row;
}
