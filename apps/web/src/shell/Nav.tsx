import { Link, usePath } from '../lib/router';
import { useSession } from '../auth/session';
import { guideOpen } from '../setup/guide';
import { Icon } from '../components/Icon';
import { useWaiting } from '../inbox/useWaitingAlerts';

const items = [
  { to: '/start', icon: 'rocket', label: 'Get started' },
  { to: '/inbox', icon: 'inbox', label: 'Inbox' },
  { to: '/flows', icon: 'workflow', label: 'Flows' },
  { to: '/templates', icon: 'sparkles', label: 'Templates' },
  { to: '/contacts', icon: 'users', label: 'Contacts' },
  { to: '/broadcasts', icon: 'megaphone', label: 'Broadcasts' },
  { to: '/knowledge', icon: 'library', label: 'Knowledge' },
  { to: '/channels', icon: 'radio-tower', label: 'Channels' },
  { to: '/settings', icon: 'settings', label: 'Settings' },
];

export function Nav() {
  const path = usePath();
  const { me, logout } = useSession();
  const waiting = useWaiting();
  return (
    <nav className="nav" aria-label="Main">
      <div className="brand">
        <Icon name="workflow" size={18} /> <span className="brand-name">Switchboard</span>
      </div>
      <div className="nav-workspace" title={me.workspace.name}>
        {me.workspace.name}
      </div>
      <ul>
        {items
          .filter((item) => item.to !== '/start' || guideOpen(me))
          .map((item) => (
            <li key={item.to}>
              <Link
                to={item.to}
                title={item.label}
                className={path.startsWith(item.to) ? 'active' : ''}
                data-testid={`nav-${item.label.toLowerCase().replace(/ /g, '-')}`}
              >
                <Icon name={item.icon} size={18} /> <span className="nav-label">{item.label}</span>
                {item.to === '/inbox' && waiting.count > 0 && (
                  <span className="nav-count" aria-label={`${waiting.count} waiting for a person`}>
                    {waiting.count}
                  </span>
                )}
              </Link>
            </li>
          ))}
      </ul>
      <div className="nav-foot">
        <div className="nav-user">{me.user?.name}</div>
        <button className="btn-link nav-logout" onClick={() => void logout()} aria-label="Log out">
          <Icon name="log-out" size={16} className="nav-logout-icon" />
          <span className="nav-label">Log out</span>
        </button>
      </div>
    </nav>
  );
}
