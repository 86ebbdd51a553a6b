import { useRef, useState } from 'react';
import { errorText } from '../../api/client';
import { uploadFile } from '../../inbox/upload';
import { ListInput } from './ListInput';

/**
 * A send step's files: web links typed as chips, or a file uploaded here, kept as its stable
 * `media:<id>` reference so every run sends the stored file.
 */
export function FileListInput({ path, value, onChange }: { path: string; value: string[]; onChange: (v: string[]) => void }) {
  const picker = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const upload = async (file: File) => {
    setBusy(true);
    setError(undefined);
    try {
      const stored = await uploadFile('/api/workflows/files', file);
      onChange([...value, `media:${stored.id}`]);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
      if (picker.current) picker.current.value = '';
    }
  };
  return (
    <div>
      <ListInput path={path} value={value} onChange={onChange} placeholder="https://… and press Enter" />
      <input
        ref={picker}
        type="file"
        hidden
        data-testid={`upload-${path}`}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void upload(file);
        }}
      />
      <button type="button" className="btn btn-small" disabled={busy} onClick={() => picker.current?.click()}>
        {busy ? 'Uploading…' : 'Upload a file'}
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
