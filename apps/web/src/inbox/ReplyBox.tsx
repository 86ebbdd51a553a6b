import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { errorText } from '../api/client';

export function ReplyBox({ onSend, botActive }: { onSend: (text: string, isPrivate: boolean) => Promise<void>; botActive: boolean }) {
  const [text, setText] = useState('');
  const [isPrivate, setPrivate] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!text.trim() || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await onSend(text.trim(), isPrivate);
      setText('');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void submit();
    }
  };
  return (
    <form className={`reply ${isPrivate ? 'reply-private' : ''}`} onSubmit={submit}>
      <div className="reply-tabs">
        <button type="button" className={!isPrivate ? 'active' : ''} onClick={() => setPrivate(false)}>Reply</button>
        <button type="button" className={isPrivate ? 'active' : ''} onClick={() => setPrivate(true)} data-testid="private-toggle">Private note</button>
        {botActive && !isPrivate && <span className="muted small">Replying takes the conversation over from the bot.</span>}
      </div>
      <textarea
        rows={3}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKey}
        placeholder={isPrivate ? 'Only your team sees this note…' : 'Write a reply… (Enter to send, Shift+Enter for a new line)'}
        data-testid="reply-input"
      />
      {error && <small className="field-error">{error}</small>}
      <div className="reply-foot">
        <span className="spacer" />
        <button className="btn btn-primary" disabled={busy || !text.trim()} data-testid="reply-send">{isPrivate ? 'Add note' : 'Send'}</button>
      </div>
    </form>
  );
}
