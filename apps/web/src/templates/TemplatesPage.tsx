import { useState } from 'react';
import { api, errorText } from '../api/client';
import type { Requirement, Template, WorkflowDetail } from '../api/types';
import { useAsync } from '../lib/useAsync';
import { EmptyState } from '../components/EmptyState';
import { Loading, Notice } from '../components/Notice';
import { PageHeader } from '../components/PageHeader';
import { openImported } from '../flows/FlowsPage';
import { FlowPreview } from './FlowPreview';
import { RECOMMENDED_TEMPLATE } from '../setup/guide';

/** The flow a new owner should start with leads the gallery; the rest keep the server's order. */
function recommendedFirst(list: Template[] | undefined): Template[] | undefined {
  return list && [...list].sort((a, b) => Number(b.slug === RECOMMENDED_TEMPLATE) - Number(a.slug === RECOMMENDED_TEMPLATE));
}

export function TemplatesPage() {
  const templates = useAsync(() => api.get<{ templates: Template[] }>('/api/templates').then((r) => r.templates), []);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const [category, setCategory] = useState('all');

  const use = async (t: Template) => {
    setBusy(t.slug);
    try {
      const res = await api.post<{ workflow: WorkflowDetail; requires: Requirement[] }>(`/api/templates/${t.slug}/import`);
      openImported(res.workflow, res.requires ?? t.requires);
    } catch (err) {
      setError(errorText(err));
      setBusy(undefined);
    }
  };

  const categories = [...new Set(templates.data?.map((t) => t.category).filter(Boolean))];
  const shown = recommendedFirst(templates.data?.filter((t) => category === 'all' || t.category === category));

  return (
    <div className="page">
      <PageHeader
        title="Templates"
        subtitle="Ready-made flows for the questions every small business gets. Pick one, fill in your details, publish."
      />
      <Notice>{error ?? templates.error}</Notice>
      {categories.length > 1 && (
        <div className="filters">
          {['all', ...categories].map((c) => (
            <button key={c} className={`btn-chip ${c === category ? 'active' : ''}`} onClick={() => setCategory(c)}>
              {c === 'all' ? 'All' : c}
            </button>
          ))}
        </div>
      )}
      {templates.loading && !templates.data && <Loading />}
      {shown && shown.length === 0 && (
        <EmptyState icon="sparkles" title="No templates available">
          Templates ship with Switchboard; ask your administrator to update.
        </EmptyState>
      )}
      <div className="cards" data-testid="templates">
        {shown?.map((t) => (
          <article className="card template-card" key={t.slug} data-testid={`template-${t.slug}`}>
            <FlowPreview doc={t.definition} />
            <div className="card-body">
              {t.slug === RECOMMENDED_TEMPLATE && <span className="badge badge-recommended">Recommended first</span>}
              {t.category && <span className="badge">{t.category}</span>}
              <h3>{t.name}</h3>
              <p className="muted">{t.description}</p>
              {t.requires?.length > 0 && <p className="small muted">You will need: {t.requires.map((r) => r.label).join(' · ')}</p>}
            </div>
            <footer className="card-foot">
              <button className="btn btn-primary" disabled={!!busy} onClick={() => void use(t)} data-testid={`use-${t.slug}`}>
                {busy === t.slug ? 'Adding…' : 'Use template'}
              </button>
            </footer>
          </article>
        ))}
      </div>
    </div>
  );
}
