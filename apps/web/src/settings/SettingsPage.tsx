import { useState } from 'react';
import { PageHeader } from '../components/PageHeader';
import { AiSettings } from './AiSettings';
import { ApiKeys } from './ApiKeys';
import { Credentials } from './Credentials';
import { TeamSettings } from './TeamSettings';
import { WorkspaceSettings } from './WorkspaceSettings';

type Section = 'business' | 'team' | 'ai' | 'api' | 'credentials';

export function SettingsPage() {
  // The flow checklist links to #credentials and #ai.
  const [section, setSection] = useState<Section>(() =>
    location.hash === '#credentials' ? 'credentials' : location.hash === '#ai' ? 'ai' : 'business',
  );
  const sections: { id: Section; label: string }[] = [
    { id: 'business', label: 'Business & hours' },
    { id: 'team', label: 'Team' },
    { id: 'ai', label: 'AI' },
    { id: 'api', label: 'API keys' },
    { id: 'credentials', label: 'Credentials' },
  ];
  return (
    <div className="page narrow-page">
      <PageHeader title="Settings" />
      <div className="segmented" role="tablist">
        {sections.map((s) => (
          <button
            key={s.id}
            role="tab"
            aria-selected={section === s.id}
            className={section === s.id ? 'active' : ''}
            onClick={() => setSection(s.id)}
            data-testid={`settings-${s.id}`}
          >
            {s.label}
          </button>
        ))}
      </div>
      {section === 'business' && <WorkspaceSettings />}
      {section === 'team' && <TeamSettings />}
      {section === 'ai' && <AiSettings />}
      {section === 'api' && <ApiKeys />}
      {section === 'credentials' && <Credentials />}
    </div>
  );
}
