import type { ReactNode } from 'react';

/** One line of the setup guide: its number or a tick, what to do, and the way to do it. */
export function SetupStep({
  n,
  title,
  done,
  current,
  children,
}: {
  n: number;
  title: string;
  done: boolean;
  current: boolean;
  children: ReactNode;
}) {
  return (
    <li
      className={`setup-step${done ? ' done' : ''}${current ? ' current' : ''}`}
      aria-label={`${title}: ${done ? 'done' : 'to do'}`}
      aria-current={current ? 'step' : undefined}
      data-testid={`setup-step-${n}`}
    >
      <span className="setup-mark" aria-hidden>
        {done ? '✓' : n}
      </span>
      <div className="setup-body">
        <div className="setup-title">
          <h2>{title}</h2>
          <span className={`badge ${done ? 'setup-done' : ''}`}>{done ? 'Done' : 'To do'}</span>
        </div>
        {children}
      </div>
    </li>
  );
}
