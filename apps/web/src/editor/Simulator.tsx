import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, errorText } from '../api/client';
import type { TestRunResult } from '../api/types';
import { Icon } from '../components/Icon';

interface Line {
  from: 'customer' | 'bot' | 'error' | 'note';
  text: string;
  quickReplies?: string[];
  mediaUrl?: string;
}

/**
 * This turn's bot replies with, in their place, a line for each step that answered with its
 * sample response instead of calling out (the owner must see that nothing was sent).
 */
function turnLines(res: TestRunResult, replyCount: number, pathCount: number): Line[] {
  const notes = res.path.slice(pathCount).filter((p) => p.note);
  const out: Line[] = [];
  const flushNotes = (upTo: number) => {
    while (notes.length && (notes[0]!.afterReplies ?? 0) <= upTo) {
      const p = notes.shift()!;
      out.push({ from: 'note', text: `${p.name ? `${p.name}: ` : ''}${p.note}` });
    }
  };
  res.replies.forEach((r, i) => {
    if (i < replyCount) return;
    flushNotes(i);
    out.push({ from: 'bot', ...r });
  });
  flushNotes(Infinity);
  return out;
}

/**
 * Plays a pretend customer against the draft: every send re-runs the whole conversation so
 * far (the test-run API is stateless) and shows the replies that are new.
 */
export function Simulator({
  workflowId,
  flush,
  onPath,
}: {
  workflowId: string;
  flush: () => Promise<boolean>;
  onPath: (path: TestRunResult['path']) => void;
}) {
  const [lines, setLines] = useState<Line[]>([]);
  const [sent, setSent] = useState<string[]>([]);
  const [replyCount, setReplyCount] = useState(0);
  const [pathCount, setPathCount] = useState(0);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [name, setName] = useState('Alex Doe');
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [lines]);

  const send = async (text: string) => {
    if (!text.trim() || busy) return;
    const messages = [...sent, text.trim()];
    setBusy(true);
    setDraft('');
    setLines((l) => [...l, { from: 'customer', text: text.trim() }]);
    try {
      // The test runs the saved draft: refuse rather than answer with an older version.
      if (!(await flush()))
        throw new Error(
          'Your latest change is not saved yet, so this test did not run (it would answer with an older version). Use “Retry” at the top, then send again.',
        );
      const res = await api.post<TestRunResult>(`/api/workflows/${workflowId}/test-runs`, { messages, contact: { name } });
      const fresh = res.replies.slice(replyCount);
      const failure = typeof res.error === 'string' ? res.error : res.error?.message;
      setLines((l) => [...l, ...turnLines(res, replyCount, pathCount), ...(failure ? [{ from: 'error' as const, text: failure }] : [])]);
      if (!fresh.length && !failure) setLines((l) => [...l, { from: 'error', text: 'The flow did not answer this message.' }]);
      setReplyCount(res.replies.length);
      setPathCount(res.path.length);
      setSent(messages);
      onPath(res.path);
    } catch (err) {
      setLines((l) => [...l, { from: 'error', text: errorText(err) }]);
    } finally {
      setBusy(false);
    }
  };

  const reset = () => {
    setLines([]);
    setSent([]);
    setReplyCount(0);
    setPathCount(0);
    onPath([]);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send(draft);
  };
  const last = lines[lines.length - 1];

  return (
    <div className="simulator" data-testid="simulator">
      <div className="sim-head">
        <label className="small">
          You are <input value={name} onChange={(e) => setName(e.target.value)} aria-label="Customer name" />
        </label>
        <button type="button" className="btn btn-small" onClick={reset} disabled={!lines.length}>
          Start over
        </button>
      </div>
      <div className="sim-thread" role="log" aria-label="Test conversation">
        {!lines.length && (
          <p className="muted small center">Write a message as if you were a customer. The draft answers here; nobody else sees it.</p>
        )}
        {lines.map((l, i) => (
          <div key={i} className={`sim-msg sim-${l.from}`} data-testid={`sim-${l.from}`} role={l.from === 'note' ? 'note' : undefined}>
            {l.text}
            {l.mediaUrl && (
              <div className="small muted">
                <Icon name="paperclip" size={13} /> {l.mediaUrl}
              </div>
            )}
          </div>
        ))}
        {last?.from === 'bot' && last.quickReplies?.length ? (
          <div className="quick-replies">
            {last.quickReplies.map((q) => (
              <button type="button" key={q} className="btn-chip" onClick={() => void send(q)} data-testid="sim-quick-reply">
                {q}
              </button>
            ))}
          </div>
        ) : null}
        {busy && <div className="sim-msg sim-bot typing">…</div>}
        <div ref={end} />
      </div>
      <form className="sim-input" onSubmit={submit}>
        <input
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          placeholder="Type a customer message…"
          aria-label="Customer message"
          data-testid="sim-input"
        />
        <button className="btn btn-primary" disabled={busy || !draft.trim()} data-testid="sim-send">
          Send
        </button>
      </form>
    </div>
  );
}
