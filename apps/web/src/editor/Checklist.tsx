import { api } from '../api/client';
import type { Credential } from '../api/types';
import { configValue, isSample, type FlowIssue, type Requirement } from '../flow';
import { useAsync } from '../lib/useAsync';
import { useAiConnected } from '../settings/aiStatus';
import type { StepNode } from './convert';
import { Icon } from '../components/Icon';

// `Add the credential "shop" in Settings → Credentials`: the name is the one in quotes.
const credentialName = (req: Requirement) => /"([a-z][a-z0-9_]*)"/.exec(req.label)?.[1];

function filled(nodes: StepNode[], req: Requirement, errors: FlowIssue[], credentials: string[] | undefined): boolean {
  // A credential is filled in Settings, not in the step (which already reads it).
  if (req.kind === 'credential') return !!credentials?.includes(credentialName(req) ?? '');
  if (!req.nodeId) return false;
  const node = nodes.find((n) => n.id === req.nodeId);
  if (!node) return true;
  if (errors.some((e) => e.nodeId === req.nodeId && (!req.field || e.field === req.field || e.field?.startsWith(`${req.field}.`))))
    return false;
  if (!req.field) return true;
  const v = configValue(node.data.config, req.field);
  // What the template shipped (sample prices, hours to check) is not the owner's answer yet.
  if (req.sample !== undefined && isSample(v, req.sample)) return false;
  if (Array.isArray(v)) return v.length > 0 && !(v.length === 1 && v[0] === 'any' && req.kind === 'channel');
  return v !== undefined && v !== null && v !== '' && v !== 'https://';
}

/** Whether a line can be ticked by hand: never one that follows real state (AI) or must be rewritten. */
const tickable = (r: Requirement) => r.kind !== 'ai' && r.kind !== 'placeholder';

/** What an imported template still needs; each line opens the field to fill. */
export function Checklist({
  requires,
  nodes,
  errors,
  done,
  onPick,
  onToggle,
  onClose,
}: {
  requires: Requirement[];
  nodes: StepNode[];
  errors: FlowIssue[];
  done: Set<number>;
  onPick: (req: Requirement) => void;
  onToggle: (index: number) => void;
  onClose: () => void;
}) {
  const needsCredentials = requires.some((r) => r.kind === 'credential');
  const credentials = useAsync(
    () =>
      needsCredentials
        ? api.get<{ credentials: Credential[] }>('/api/credentials').then((r) => r.credentials.map((c) => c.name))
        : Promise.resolve([]),
    [needsCredentials],
  );
  // The AI line follows the real connection (Settings → AI): it cannot be ticked by hand.
  const aiConnected = useAiConnected();
  const states = requires.map((r, i) =>
    r.kind === 'ai' ? aiConnected : (tickable(r) && done.has(i)) || filled(nodes, r, errors, credentials.data),
  );
  const left = states.filter((s) => !s).length;
  return (
    <div className="checklist" data-testid="checklist" role="region" aria-label="Checklist">
      <div className="checklist-head">
        <strong>
          {left
            ? `Before this flow can go live: ${left} thing${left > 1 ? 's' : ''} to fill in`
            : 'All set! Try it in the simulator, then publish.'}
        </strong>
        <button type="button" className="btn-icon" onClick={onClose} aria-label="Hide checklist">
          <Icon name="x" />
        </button>
      </div>
      <ul>
        {requires.map((r, i) => (
          <li key={i} className={states[i] ? 'done' : ''}>
            <input
              type="checkbox"
              checked={states[i]}
              onChange={() => onToggle(i)}
              aria-label="Done"
              disabled={!tickable(r)}
              title={r.kind === 'placeholder' ? 'Ticks itself once you replace the sample text' : undefined}
            />
            {r.kind === 'ai' ? (
              <>
                <a className="btn-link" href="/settings#ai" target="_blank" rel="noreferrer">
                  {r.label}
                </a>
                {!aiConnected && <span className="badge status-paused">AI not connected</span>}
              </>
            ) : r.kind === 'setting' && !r.nodeId && r.label.includes('Settings →') ? (
              <a className="btn-link" href="/settings" target="_blank" rel="noreferrer">
                {r.label}
              </a>
            ) : r.kind === 'credential' ? (
              <a
                className="btn-link"
                href="/settings#credentials"
                target="_blank"
                rel="noreferrer"
                onFocus={() => void credentials.reload()}
              >
                {r.label}
              </a>
            ) : (
              <>
                <button type="button" className="btn-link" onClick={() => onPick(r)}>
                  {r.label}
                </button>
                {r.kind === 'placeholder' && !states[i] && <span className="badge status-paused">Sample text</span>}
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
