import type { ReactNode } from 'react';
import { Icon } from './Icon';

export function EmptyState({ icon, title, children, action }: { icon: string; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty" data-testid="empty-state">
      <div className="empty-icon">
        <Icon name={icon} size={40} strokeWidth={1.5} />
      </div>
      <h3>{title}</h3>
      {children && <p>{children}</p>}
      {action}
    </div>
  );
}
