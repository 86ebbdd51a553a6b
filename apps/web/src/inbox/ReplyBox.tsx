import './attachments.css';
import { useRef, useState, type ClipboardEvent, type DragEvent, type FormEvent, type KeyboardEvent } from 'react';
import { errorText } from '../api/client';
import type { UploadedFile } from '../api/types';
import { uploadFile } from './upload';
import { TemplateComposer } from './TemplateComposer';
import { useCustomerSignals } from './useCustomerSignals';
import { Icon } from '../components/Icon';

interface Pending {
  key: number;
  name: string;
  file?: UploadedFile;
  error?: string;
}

let nextKey = 0;

/**
 * The reply box: text, and files picked, dropped or pasted. Each file is uploaded as soon as it is
 * added, so Send only names the stored files; a file still uploading holds Send back.
 */
export function ReplyBox({
  onSend,
  botActive,
  conversationId,
}: {
  onSend: (text: string, isPrivate: boolean, attachments: string[]) => Promise<void>;
  botActive: boolean;
  conversationId: string;
}) {
  const [text, setText] = useState('');
  const [isPrivate, setPrivate] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [files, setFiles] = useState<Pending[]>([]);
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const typing = useCustomerSignals(conversationId);

  const uploading = files.some((f) => !f.file && !f.error);
  const ready = files.filter((f) => f.file).map((f) => f.file!.id);
  const canSend = !busy && !uploading && (text.trim() !== '' || ready.length > 0);

  const add = (list: FileList | File[]) => {
    for (const file of Array.from(list)) {
      const key = ++nextKey;
      setFiles((all) => [...all, { key, name: file.name || 'pasted image' }]);
      uploadFile(`/api/conversations/${conversationId}/attachments`, file)
        .then((stored) => setFiles((all) => all.map((f) => (f.key === key ? { ...f, file: stored } : f))))
        .catch((err: unknown) => setFiles((all) => all.map((f) => (f.key === key ? { ...f, error: errorText(err) } : f))));
    }
  };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!canSend) return;
    setBusy(true);
    setError(undefined);
    try {
      await onSend(text.trim(), isPrivate, ready);
      setText('');
      setFiles([]);
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
  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    if (e.clipboardData.files.length === 0) return;
    e.preventDefault();
    add(e.clipboardData.files);
  };
  const onDrop = (e: DragEvent<HTMLFormElement>) => {
    e.preventDefault();
    setDragging(false);
    if (e.dataTransfer.files.length) add(e.dataTransfer.files);
  };
  return (
    <form
      className={`reply ${isPrivate ? 'reply-private' : ''} ${dragging ? 'reply-dragging' : ''}`}
      onSubmit={submit}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      data-testid="reply-box"
    >
      <div className="reply-tabs">
        <button type="button" className={!isPrivate ? 'active' : ''} onClick={() => setPrivate(false)}>
          Reply
        </button>
        <button type="button" className={isPrivate ? 'active' : ''} onClick={() => setPrivate(true)} data-testid="private-toggle">
          Private note
        </button>
        {botActive && !isPrivate && <span className="muted small">Replying takes the conversation over from the bot.</span>}
      </div>
      {!isPrivate && <TemplateComposer conversationId={conversationId} />}
      <textarea
        rows={3}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (!isPrivate) typing();
        }}
        onKeyDown={onKey}
        onPaste={onPaste}
        placeholder={
          isPrivate
            ? 'Only your team sees this note…'
            : 'Write a reply… (Enter to send, Shift+Enter for a new line; drop or paste files to attach)'
        }
        data-testid="reply-input"
      />
      {files.length > 0 && (
        <div className="reply-files" data-testid="reply-files">
          {files.map((f) => (
            <span key={f.key} className={`btn-chip ${f.error ? 'chip-error' : ''}`} title={f.error}>
              {f.file?.kind === 'image' && f.file.url ? (
                <img src={f.file.url} alt="" className="reply-thumb" />
              ) : (
                <Icon name="paperclip" size={14} />
              )}{' '}
              {f.name}
              {!f.file && !f.error && ' · uploading…'}
              {f.error && ` · ${f.error}`}
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove ${f.name}`}
                onClick={() => setFiles((all) => all.filter((x) => x.key !== f.key))}
              >
                ×
              </button>
            </span>
          ))}
        </div>
      )}
      {error && <small className="field-error">{error}</small>}
      <div className="reply-foot">
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          onChange={(e) => e.target.files && add(e.target.files)}
          data-testid="reply-file-input"
        />
        <button
          type="button"
          className="btn btn-small"
          onClick={() => picker.current?.click()}
          title="Attach files"
          data-testid="reply-attach"
        >
          <Icon name="paperclip" size={14} /> Attach
        </button>
        <span className="spacer" />
        <button className="btn btn-primary" disabled={!canSend} data-testid="reply-send">
          {isPrivate ? 'Add note' : 'Send'}
        </button>
      </div>
    </form>
  );
}
