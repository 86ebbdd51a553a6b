/** Short confirmations ("Published", "Copied") shown at the bottom of the screen. */
import { useSyncExternalStore } from 'react';

interface Toast { id: number; text: string; kind: 'info' | 'error' }
let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

export function toast(text: string, kind: Toast['kind'] = 'info') {
  const id = nextId++;
  toasts = [...toasts, { id, text, kind }];
  notify();
  setTimeout(() => {
    toasts = toasts.filter((t) => t.id !== id);
    notify();
  }, 3500);
}

export function Toasts() {
  const list = useSyncExternalStore(
    (l) => (listeners.add(l), () => listeners.delete(l)),
    () => toasts,
  );
  return (
    <div className="toasts" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`}>{t.text}</div>
      ))}
    </div>
  );
}
