import { useState } from 'react';
import { api, errorText } from '../api/client';
import { CopyButton } from '../components/CopyButton';

/** Makes a one-time password reset link for a member, to hand over when there is no mailer. */
export function ResetLinkButton({ userId, name }: { userId: string; name: string }) {
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<string>();
  const make = async () => {
    if (!confirm(`Make a password reset link for ${name}? Anyone with the link can set their password, once, within 24 hours.`)) return;
    try {
      setUrl((await api.post<{ url: string }>(`/api/members/${userId}/reset-link`)).url);
      setError(undefined);
    } catch (err) {
      setError(errorText(err));
    }
  };
  if (url)
    return (
      <span className="reset-link">
        <code className="small">{url}</code> <CopyButton text={url} label="Copy" />
      </span>
    );
  return (
    <>
      <button type="button" className="btn btn-small" onClick={() => void make()}>
        Reset link
      </button>
      {error && <small className="field-error">{error}</small>}
    </>
  );
}
