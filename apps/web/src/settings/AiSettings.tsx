import { useState, type FormEvent } from 'react';
import { api, errorText } from '../api/client';
import type { Workspace } from '../api/types';
import { useSession } from '../auth/session';
import { Notice } from '../components/Notice';
import { dateTime } from '../lib/format';
import { announceAiChange, useAiConnected } from './aiStatus';

const OPENAI_URL = 'https://api.openai.com/v1';
const DEFAULT_MODEL = 'gpt-4o-mini';

interface TestResult {
  ok: boolean;
  model: string;
  reply?: string;
  status?: number;
  message?: string;
  testedOkAt?: string;
}

const originOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
};

/**
 * Settings → AI: where "AI reply" steps send their questions. The key is write-only (the
 * credential `ai`): typed here, never shown again. "Test connection" asks the model one short
 * question with the saved settings; the AI counts as connected once a test passes.
 */
export function AiSettings() {
  const { me, refresh } = useSession();
  const stored = me.workspace.settings.ai;
  const connected = useAiConnected();
  const savedUrl = stored?.baseUrl ?? OPENAI_URL;
  const savedModel = stored?.model ?? DEFAULT_MODEL;
  const [baseUrl, setBaseUrl] = useState(savedUrl);
  const [model, setModel] = useState(savedModel);
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState<'save' | 'test'>();
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<TestResult>();
  const canEdit = me.role !== 'agent';
  const dirty = baseUrl.trim() !== savedUrl || model.trim() !== savedModel || key !== '';
  // The saved key goes only to the address it was entered for: a new address needs it again.
  const keyWillBeCleared = !!stored?.apiKeySet && !key && originOf(baseUrl.trim()) !== originOf(savedUrl);

  const save = async (): Promise<boolean> => {
    const url = baseUrl.trim();
    if (!/^https?:\/\/[^\s/]+/.test(url)) {
      setError('The address must be a full web address, like https://api.openai.com/v1');
      return false;
    }
    if (!model.trim()) {
      setError('Enter the model name, like gpt-4o-mini.');
      return false;
    }
    const ai = {
      ...(url !== savedUrl ? { baseUrl: url } : {}),
      ...(model.trim() !== savedModel ? { model: model.trim() } : {}),
      ...(key ? { apiKey: key } : {}),
    };
    await api.patch<Workspace>('/api/workspace', { settings: { ai } });
    setKey('');
    await refresh();
    announceAiChange();
    return true;
  };

  const run = async (what: 'save' | 'test') => {
    setBusy(what);
    setError(undefined);
    setResult(undefined);
    try {
      if (dirty && !(await save())) return;
      if (what === 'test') {
        setResult(await api.post<TestResult>('/api/workspace/ai/test'));
        await refresh();
        announceAiChange();
      }
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(undefined);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run('save');
  };

  return (
    <section className="panel settings-section" aria-label="AI settings">
      <p className="muted">
        “AI reply” steps answer customers with an AI model, from your knowledge base. This works with OpenAI and any OpenAI-compatible
        service (Azure OpenAI, OpenRouter, Mistral, Groq, a local Ollama…): paste its address, the model to use and your key.
      </p>
      {connected ? (
        <Notice kind="success">Connected: the last test passed on {dateTime(stored?.testedOkAt)}.</Notice>
      ) : (
        <Notice kind="warning">
          AI not connected.{' '}
          {stored?.apiKeySet
            ? 'A key is saved; press “Test connection” to check it works.'
            : 'Enter your key, then press “Test connection”.'}
        </Notice>
      )}
      {!canEdit && <Notice kind="info">Only admins and owners can change the AI settings.</Notice>}
      <form onSubmit={submit}>
        <label className="field">
          <span>Base URL</span>
          <input
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.target.value)}
            disabled={!canEdit}
            inputMode="url"
            spellCheck={false}
            placeholder={OPENAI_URL}
          />
        </label>
        <p className="muted small">OpenAI's is {OPENAI_URL}. Other services give theirs in their docs; it usually ends in /v1.</p>
        {keyWillBeCleared && (
          <Notice kind="warning">
            A new address needs its own key: the saved key is only ever sent to {originOf(savedUrl)}. Enter the key for the new address.
          </Notice>
        )}
        <label className="field">
          <span>Model</span>
          <input
            value={model}
            onChange={(e) => setModel(e.target.value)}
            disabled={!canEdit}
            spellCheck={false}
            placeholder={DEFAULT_MODEL}
          />
        </label>
        <label className="field">
          <span>API key</span>
          <input
            type="password"
            autoComplete="new-password"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            disabled={!canEdit}
            placeholder={stored?.apiKeySet ? 'A key is saved. Type a new one to replace it.' : 'sk-…'}
          />
        </label>
        <p className="muted small">
          {stored?.apiKeySet ? 'A key is saved. ' : ''}Your key is stored encrypted, sent only to the address above and never shown again,
          here or anywhere else.
        </p>
        <Notice>{error}</Notice>
        {result &&
          (result.ok ? (
            <div className="hint-box" role="status" aria-label="Test result">
              <strong>It works.</strong> {result.model} answered: “{result.reply}”
            </div>
          ) : (
            <Notice>Test failed. {result.message}</Notice>
          ))}
        <div className="form-foot">
          <button type="submit" className="btn" disabled={!canEdit || !!busy || !dirty}>
            {busy === 'save' ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="btn btn-primary" disabled={!canEdit || !!busy} onClick={() => void run('test')}>
            {busy === 'test' ? 'Testing…' : 'Test connection'}
          </button>
        </div>
      </form>
    </section>
  );
}
