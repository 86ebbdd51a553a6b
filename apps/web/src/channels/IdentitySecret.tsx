import { useState } from 'react';
import { api, errorText } from '../api/client';
import type { CreatedChannel } from '../api/types';
import { CopyButton } from '../components/CopyButton';
import { toast } from '../components/toast';

/** A website chat as created: its identity secret comes back once. */
export type CreatedWebchat = CreatedChannel & { identitySecret?: string };

const serverSnippet = (secret: string) =>
  `// On your server, for the logged-in user:\nconst userHash = require('node:crypto').createHmac('sha256', '${secret}').update(String(user.id)).digest('hex');\n// In the page: Switchboard.identify({ userId: String(user.id), userHash, name: user.name });`;

/**
 * Identity verification for a website chat: the secret the owner's server signs user ids with. Shown
 * once (after creating or regenerating); the server never returns it again.
 */
export function IdentitySecret({ channelId, initial }: { channelId: string; initial?: string }) {
  const [secret, setSecret] = useState(initial);
  const [busy, setBusy] = useState(false);
  const regenerate = async () => {
    if (!confirm('Generate a new identity secret? Pages signed with the old one stop being recognised until your server uses the new one.'))
      return;
    setBusy(true);
    try {
      setSecret((await api.post<{ identitySecret: string }>(`/api/channels/${channelId}/identity-secret`, {})).identitySecret);
    } catch (err) {
      toast(errorText(err), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="paste" data-testid="identity-secret">
      <p>
        <strong>Logged-in customers</strong> — to show a signed-in customer their own history on every device, your server signs their user
        id with this chat's identity secret. Without it, what visitors type (name, email) is kept as unverified.
      </p>
      {secret && (
        <div className="notice notice-warning">
          <strong>Identity secret (shown once):</strong> <code data-testid="identity-secret-value">{secret}</code>{' '}
          <CopyButton text={secret} />
          <pre className="code">{serverSnippet(secret)}</pre>
        </div>
      )}
      <button className="btn btn-small" disabled={busy} onClick={() => void regenerate()} data-testid="identity-secret-regenerate">
        {busy ? 'Generating…' : 'Regenerate identity secret'}
      </button>
    </div>
  );
}
