import { useState, type FormEvent } from 'react';
import { errorText } from '../api/client';

export function KnowledgeForm({
  initial,
  onSave,
  onCancel,
}: {
  initial?: { question: string; answer: string };
  onSave: (e: { question: string; answer: string }) => Promise<void>;
  onCancel: () => void;
}) {
  const [question, setQuestion] = useState(initial?.question ?? '');
  const [answer, setAnswer] = useState(initial?.answer ?? '');
  const [error, setError] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await onSave({ question: question.trim(), answer: answer.trim() });
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form className="card kb-form" onSubmit={submit} data-testid="knowledge-form">
      <label className="field">
        <span>Question</span>
        <input value={question} onChange={(e) => setQuestion(e.target.value)} required placeholder="Do you deliver?" />
      </label>
      <label className="field">
        <span>Answer</span>
        <textarea
          rows={3}
          value={answer}
          onChange={(e) => setAnswer(e.target.value)}
          required
          placeholder="Yes! We deliver within 5 km every day from 10am."
        />
      </label>
      {error && <small className="field-error">{error}</small>}
      <div className="form-foot">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button className="btn btn-primary">Save</button>
      </div>
    </form>
  );
}
