/** Short confirmations ("Published", "Copied") shown at the bottom of the screen. */
import { useSyncExternalStore } from 'react';
import { Icon } from './Icon';

interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error';
}
let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

export function toast(text: string, kind: Toast['kind'] = 'info') {
  const id = nextId++;
  toasts = [...toasts, { id, text, kind }];
  notify();
  setTimeout(() => dismiss(id), kind === 'error' ? 8000 : 3500);
}

function dismiss(id: number) {
  if (!toasts.some((t) => t.id === id)) return;
  toasts = toasts.filter((t) => t.id !== id);
  notify();
}

export function Toasts() {
  const list = useSyncExternalStore(
    (l) => (listeners.add(l), () => listeners.delete(l)),
    () => toasts,
  );
  // Each toast is its own live region named by its text: "status" waits for a pause in
  // speech, "alert" (a failure) interrupts, so a screen reader says what happened either way.
  return (
    <div className="toasts">
      {list.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'} aria-label={t.text}>
          <Icon name={t.kind === 'error' ? 'circle-alert' : 'circle-check'} />
          <span>{t.text}</span>
          <button type="button" className="toast-close" onClick={() => dismiss(t.id)} aria-label="Dismiss">
            <Icon name="x" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
