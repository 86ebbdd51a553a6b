import { useState } from 'react';
import { api, errorText } from '../api/client';
import type { KnowledgeEntry } from '../api/types';
import { useAsync } from '../lib/useAsync';
import { EmptyState } from '../components/EmptyState';
import { Notice } from '../components/Notice';
import { PageHeader } from '../components/PageHeader';
import { KnowledgeForm } from './KnowledgeForm';

export function KnowledgePage() {
  const entries = useAsync(() => api.get<{ entries: KnowledgeEntry[] }>('/api/knowledge').then((r) => r.entries), []);
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [error, setError] = useState<string>();
  const [q, setQ] = useState('');

  const save = async (entry: { question: string; answer: string }, id?: string) => {
    if (id) await api.patch(`/api/knowledge/${id}`, entry);
    else await api.post('/api/knowledge', entry);
    setEditing(null);
    void entries.reload();
  };
  const remove = async (id: string) => {
    if (!confirm('Delete this question and answer?')) return;
    try {
      await api.del(`/api/knowledge/${id}`);
      void entries.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const shown = entries.data?.filter((e) => `${e.question} ${e.answer}`.toLowerCase().includes(q.toLowerCase()));

  return (
    <div className="page narrow-page">
      <PageHeader
        title="Knowledge"
        subtitle="Questions and answers your bot can use. The “FAQ match” and “AI reply” steps answer from here."
        actions={
          <button className="btn btn-primary" onClick={() => setEditing('new')} data-testid="add-knowledge">
            + Add a question
          </button>
        }
      />
      <Notice>{error ?? entries.error}</Notice>
      {editing === 'new' && <KnowledgeForm onSave={(e) => save(e)} onCancel={() => setEditing(null)} />}
      {entries.data && entries.data.length > 3 && (
        <input type="search" className="search" placeholder="Search questions" value={q} onChange={(e) => setQ(e.target.value)} />
      )}
      {entries.data && !entries.data.length && editing !== 'new' && (
        <EmptyState
          icon="library"
          title="No questions yet"
          action={
            <button className="btn btn-primary" onClick={() => setEditing('new')}>
              Add your first question
            </button>
          }
        >
          Add the questions customers ask most (opening hours, delivery, prices) with your answer.
        </EmptyState>
      )}
      <ul className="kb-list">
        {shown?.map((e) =>
          editing === e.id ? (
            <li key={e.id}>
              <KnowledgeForm initial={e} onSave={(v) => save(v, e.id)} onCancel={() => setEditing(null)} />
            </li>
          ) : (
            <li key={e.id} className="card kb-item">
              <div>
                <strong>{e.question}</strong>
                <p>{e.answer}</p>
              </div>
              <div className="row-actions">
                <button className="btn btn-small" onClick={() => setEditing(e.id)}>
                  Edit
                </button>
                <button className="btn btn-small btn-danger" onClick={() => void remove(e.id)}>
                  Delete
                </button>
              </div>
            </li>
          ),
        )}
      </ul>
    </div>
  );
}
