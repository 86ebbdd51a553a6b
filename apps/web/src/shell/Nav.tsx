import { Link, usePath } from '../lib/router';
import { useSession } from '../auth/session';
import { guideOpen } from '../setup/guide';

const items = [
  { to: '/start', icon: '🚀', label: 'Get started' },
  { to: '/inbox', icon: '📥', label: 'Inbox' },
  { to: '/flows', icon: '🔀', label: 'Flows' },
  { to: '/templates', icon: '✨', label: 'Templates' },
  { to: '/contacts', icon: '👥', label: 'Contacts' },
  { to: '/knowledge', icon: '📚', label: 'Knowledge' },
  { to: '/channels', icon: '📡', label: 'Channels' },
  { to: '/settings', icon: '⚙️', label: 'Settings' },
];

export function Nav() {
  const path = usePath();
  const { me, logout } = useSession();
  return (
    <nav className="nav" aria-label="Main">
      <div className="brand">🔀 Switchboard</div>
      <div className="nav-workspace" title={me.workspace.name}>{me.workspace.name}</div>
      <ul>
        {items.filter((item) => item.to !== '/start' || guideOpen(me)).map((item) => (
          <li key={item.to}>
            <Link to={item.to} title={item.label} className={path.startsWith(item.to) ? 'active' : ''} data-testid={`nav-${item.label.toLowerCase().replace(/ /g, '-')}`}>
              <span aria-hidden>{item.icon}</span> <span className="nav-label">{item.label}</span>
            </Link>
          </li>
        ))}
      </ul>
      <div className="nav-foot">
        <div className="nav-user">{me.user?.name}</div>
        <button className="btn-link" onClick={() => void logout()}>Log out</button>
      </div>
    </nav>
  );
}
