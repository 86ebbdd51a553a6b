import type { Chat } from '../chat';
import type { WidgetConfig } from '../config';
import type { Stored } from '../storage';
import { h, icon, safeImageUrl } from './dom';
import { renderMessage } from './message';
import { styles } from './styles';

const CHAT_ICON = 'M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z';
const SEND_ICON = 'M2 21l21-9L2 3v7l15 2-15 2z';
const CLIP_ICON =
  'M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z';

export interface WidgetControls {
  open(): void;
  close(): void;
  toggle(): void;
}

export interface ViewState {
  /** Time (ms) of the newest business message the visitor has seen: drives the badge. */
  seen: Stored;
  /** Whether the panel was open, so it stays open while the visitor browses the site. */
  open: Stored;
}

/** Builds the launcher and panel inside `root` and keeps them in step with `chat`. */
export function mountView(root: ShadowRoot, config: WidgetConfig, chat: Chat, state: ViewState): WidgetControls {
  const badge = h('span', { class: 'badge', 'aria-hidden': 'true', hidden: '' });
  const launcher = h('button', { class: 'launcher', type: 'button', 'aria-expanded': 'false' }, icon(CHAT_ICON), badge);
  const closeButton = h('button', { type: 'button', 'aria-label': 'Close chat' }, '×');
  const list = h('div', { class: 'list', role: 'log', 'aria-live': 'polite' });
  const replies = h('div', { class: 'qr', hidden: '' });
  const typingNote = h('div', { class: 'ty', 'aria-live': 'polite', hidden: '' });
  const input = h('input', {
    type: 'text',
    'aria-label': 'Message',
    placeholder: 'Type a message…',
    maxlength: '4000',
    autocomplete: 'off',
  });
  const picker = h('input', { type: 'file', multiple: '', hidden: '' });
  const attach = h('button', { type: 'button', class: 'at', 'aria-label': 'Attach a file' }, icon(CLIP_ICON));
  const form = h('form', {}, picker, attach, input, h('button', { type: 'submit', 'aria-label': 'Send' }, icon(SEND_ICON)));
  const avatarUrl = safeImageUrl(config.avatarUrl);
  const avatar = avatarUrl && h('img', { class: 'av', src: avatarUrl, alt: '' });
  // A moved or mistyped picture must not leave a broken-image icon in the header.
  if (avatar) avatar.onerror = () => avatar.remove();
  const heading = h(
    'div',
    { class: 'hd' },
    ...(avatar ? [avatar] : []),
    h('div', {}, h('span', { class: 'tt' }, config.title), ...(config.replyTime ? [h('small', { class: 'rt' }, config.replyTime)] : [])),
  );
  const panel = h(
    'div',
    { class: 'panel', role: 'dialog', 'aria-label': config.title, hidden: '' },
    h('header', {}, heading, closeButton),
    list,
    typingNote,
    replies,
    form,
  );
  const shell = h('div', { class: `sb ${config.position}` }, panel, launcher);
  shell.style.setProperty('--c', config.color);
  root.append(h('style', {}, styles), shell);

  let isOpen = false;

  const send = (raw: string) => {
    const text = raw.trim();
    if (!text) return;
    chat.send(text);
    input.value = '';
    input.focus();
  };

  const updateBadge = () => {
    const outgoing = chat.thread.list().filter((m) => m.direction === 'out');
    const time = (m: { createdAt: string }) => Date.parse(m.createdAt) || 0;
    if (isOpen && document.visibilityState !== 'hidden' && outgoing.length) {
      state.seen.set(String(Math.max(...outgoing.map(time))));
    }
    const seen = Number(state.seen.get()) || 0;
    const unread = outgoing.filter((m) => time(m) > seen).length;
    badge.textContent = unread > 9 ? '9+' : String(unread);
    badge.hidden = !unread;
    launcher.setAttribute('aria-label', `${isOpen ? 'Close' : 'Open'} chat${unread ? ` (${unread} unread)` : ''}`);
  };

  // Rows are kept and reused while their message is unchanged: rebuilding the list on
  // every event would drop the visitor's text selection and focus on a Retry button.
  let rows = new Map<string, { key: string; el: HTMLElement }>();
  let choicesKey = '';
  const greeting =
    config.greeting && renderMessage({ id: '', direction: 'out', author: 'bot', text: config.greeting, createdAt: '' }, () => {});
  // Marked so a page (or a test) can tell the local greeting from the business's real replies.
  if (greeting) greeting.classList.add('greeting');

  const render = () => {
    const stuckToBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    const items = chat.thread.list();
    const next = new Map<string, { key: string; el: HTMLElement }>();
    const els = items.map((m) => {
      const key = JSON.stringify(m);
      let row = rows.get(m.id);
      if (row?.key !== key) row = { key, el: renderMessage(m, (id) => chat.retry(id)) };
      next.set(m.id, row);
      return row.el;
    });
    rows = next;
    if (greeting) els.unshift(greeting);
    els.forEach((el, i) => {
      if (list.children[i] !== el) list.insertBefore(el, list.children[i] ?? null);
    });
    while (list.children.length > els.length) list.lastChild!.remove();

    // Buttons belong to the latest message only: an old question's choices are stale.
    const last = items[items.length - 1];
    const choices = last?.direction === 'out' ? (last.quickReplies ?? []) : [];
    const key = JSON.stringify(choices);
    if (key !== choicesKey) {
      choicesKey = key;
      replies.replaceChildren(
        ...choices.map((text) => {
          const b = h('button', { type: 'button' }, text);
          b.onclick = () => send(text);
          return b;
        }),
      );
      replies.hidden = !choices.length;
    }
    const typist = chat.agentTyping;
    typingNote.textContent = typist === null ? '' : `${typist || 'Someone'} is typing…`;
    typingNote.hidden = typist === null;
    if (stuckToBottom || last?.state === 'sending') list.scrollTop = list.scrollHeight;
    updateBadge();
  };

  const open = (focus = true) => {
    isOpen = true;
    panel.hidden = false;
    shell.classList.add('open');
    launcher.setAttribute('aria-expanded', 'true');
    state.open.set('1');
    chat.start().catch(() => {
      // Server unreachable: sending retries the session, and the stream reconnects.
    });
    render();
    list.scrollTop = list.scrollHeight;
    if (focus) input.focus();
  };

  const close = (focus = true) => {
    isOpen = false;
    panel.hidden = true;
    shell.classList.remove('open');
    launcher.setAttribute('aria-expanded', 'false');
    state.open.set(null);
    updateBadge();
    if (focus) launcher.focus();
  };

  launcher.onclick = () => (isOpen ? close() : open());
  closeButton.onclick = () => close();
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      close();
    }
  });
  // Files picked, pasted or dropped on the panel each go as a message of their own.
  const sendFiles = (files: FileList | null | undefined) => {
    for (const file of Array.from(files ?? [])) chat.sendFile(file);
  };
  attach.onclick = () => picker.click();
  picker.onchange = () => {
    sendFiles(picker.files);
    picker.value = '';
  };
  input.onpaste = (e) => {
    if (!e.clipboardData?.files.length) return;
    e.preventDefault();
    sendFiles(e.clipboardData.files);
  };
  panel.ondragover = (e) => e.preventDefault();
  panel.ondrop = (e) => {
    e.preventDefault();
    sendFiles(e.dataTransfer?.files);
  };
  input.oninput = () => {
    if (input.value.trim()) chat.typing();
  };
  form.onsubmit = (e) => {
    e.preventDefault();
    send(input.value);
  };
  document.addEventListener('visibilitychange', updateBadge);
  chat.onUpdate = render;

  render();
  // Reopen quietly after a navigation: stealing focus on page load would be rude.
  if (state.open.get()) open(false);
  else if (chat.hasVisitor()) chat.start().catch(() => {});

  return {
    open: () => open(),
    close: () => close(false),
    toggle: () => (isOpen ? close(false) : open()),
  };
}
