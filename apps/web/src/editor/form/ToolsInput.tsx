/**
 * An AI agent's tools, each a small form: its name and what it does (the model reads both), its
 * arguments, then either a request to another system or a built-in action, and whether the
 * customer confirms before it runs. Problems show under the field they are about.
 */
import { issuesAt, useFormContext } from './context';
import { KeyValueInput } from './KeyValueInput';
import { SampleResponseField } from './SampleResponseField';
import { ToolActionInput, type ToolAction } from './ToolActionInput';
import { ToolArgumentsInput, type ToolParameters } from './ToolArgumentsInput';

type Request = {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  testResponse?: unknown;
  callForReal?: boolean;
};
export type Tool = {
  name: string;
  description: string;
  parameters?: ToolParameters;
  request?: Request;
  action?: ToolAction;
  confirm?: boolean;
};

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const NEW_REQUEST: Request = { method: 'GET', url: 'https://' };

export function ToolsInput({ path, value, onChange }: { path: string; value: Tool[]; onChange: (v: Tool[]) => void }) {
  const update = (i: number, next: Tool) => onChange(value.map((t, j) => (j === i ? next : t)));
  const add = () =>
    onChange([
      ...value,
      { name: `tool_${value.length + 1}`, description: '', parameters: { type: 'object', properties: {} }, request: NEW_REQUEST },
    ]);
  return (
    <div className="tools" data-field={path} tabIndex={-1}>
      {value.length === 0 && <p className="muted small">No tools yet: the agent can only talk, resolve and hand off.</p>}
      {value.map((tool, i) => (
        <ToolCard
          key={i}
          path={`${path}.${i}`}
          tool={tool}
          onChange={(t) => update(i, t)}
          onRemove={() => onChange(value.filter((_, j) => j !== i))}
        />
      ))}
      <button type="button" className="btn btn-small" onClick={add}>
        + Add a tool
      </button>
    </div>
  );
}

function ToolCard({ path, tool, onChange, onRemove }: { path: string; tool: Tool; onChange: (t: Tool) => void; onRemove: () => void }) {
  const { issues } = useFormContext();
  const errors = (field: string) =>
    issuesAt(issues, `${path}.${field}`).map((i, n) => (
      <small key={n} className="field-error" data-testid="field-error">
        {i.message}
      </small>
    ));
  const set = (patch: Partial<Tool>) => onChange({ ...tool, ...patch });
  const kind = tool.action ? 'action' : 'request';
  const request = tool.request ?? NEW_REQUEST;
  const setRequest = (patch: Partial<Request>) => set({ request: { ...request, ...patch } });
  return (
    <fieldset className="field-group tool" data-testid="tool">
      <legend>{tool.name || 'New tool'}</legend>
      <div className="field">
        <label htmlFor={`f-${path}.name`}>Name</label>
        <input
          id={`f-${path}.name`}
          data-field={`${path}.name`}
          value={tool.name}
          placeholder="lookup_order"
          onChange={(e) => set({ name: e.target.value })}
        />
        {errors('name')}
      </div>
      <div className="field">
        <label htmlFor={`f-${path}.description`}>What it does</label>
        <textarea
          id={`f-${path}.description`}
          data-field={`${path}.description`}
          rows={2}
          value={tool.description}
          placeholder="Look up an order by its number"
          onChange={(e) => set({ description: e.target.value })}
        />
        <small className="help">The agent reads this to decide when to use the tool.</small>
        {errors('description')}
      </div>
      <div className="field">
        <label>Arguments</label>
        <ToolArgumentsInput path={`${path}.parameters`} value={tool.parameters} onChange={(parameters) => set({ parameters })} />
        <small className="help">Values the agent fills in; use them as {'{{ args.name }}'} in the address, headers or body.</small>
        {errors('parameters')}
      </div>
      <div className="field">
        <label htmlFor={`f-${path}.kind`}>It</label>
        <select
          id={`f-${path}.kind`}
          value={kind}
          onChange={(e) =>
            e.target.value === 'action'
              ? set({ request: undefined, action: { type: 'add_tag', tags: [] } })
              : set({ action: undefined, request: NEW_REQUEST })
          }
        >
          <option value="request">Calls another system (HTTP)</option>
          <option value="action">Does something here (tag, field, assign, hand off)</option>
        </select>
      </div>
      {kind === 'request' ? (
        <>
          <div className="field">
            <label htmlFor={`f-${path}.request.method`}>Method</label>
            <select id={`f-${path}.request.method`} value={request.method} onChange={(e) => setRequest({ method: e.target.value })}>
              {METHODS.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`f-${path}.request.url`}>Address</label>
            <input
              id={`f-${path}.request.url`}
              data-field={`${path}.request.url`}
              value={request.url}
              placeholder="https://shop.example.com/api/orders/{{ args.order_id }}"
              onChange={(e) => setRequest({ url: e.target.value })}
            />
            {errors('request.url')}
          </div>
          <div className="field">
            <label>Headers</label>
            <KeyValueInput
              path={`${path}.request.headers`}
              value={request.headers ?? {}}
              onChange={(headers) => setRequest({ headers: Object.keys(headers).length ? headers : undefined })}
            />
            <small className="help">
              Put tokens in Settings → Credentials and write {'{{ secrets.name }}'}: the agent never sees them.
            </small>
          </div>
          {request.method !== 'GET' && request.method !== 'DELETE' && (
            <div className="field">
              <label htmlFor={`f-${path}.request.body`}>Body (optional)</label>
              <textarea
                id={`f-${path}.request.body`}
                rows={3}
                value={request.body ?? ''}
                placeholder="Empty: the arguments are sent as JSON"
                onChange={(e) => setRequest({ body: e.target.value || undefined })}
              />
            </div>
          )}
          <SampleResponseField
            path={`${path}.request.testResponse`}
            label="Sample response for tests"
            value={request.testResponse}
            onChange={(testResponse) => setRequest({ testResponse })}
          />
          {request.method === 'GET' && (
            <label className="check">
              <input
                type="checkbox"
                checked={request.callForReal === true}
                onChange={(e) => setRequest({ callForReal: e.target.checked || undefined })}
              />
              Call for real when testing
            </label>
          )}
        </>
      ) : (
        <ToolActionInput path={`${path}.action`} value={tool.action!} onChange={(action) => set({ action })} />
      )}
      <label className="check">
        <input
          type="checkbox"
          data-field={`${path}.confirm`}
          checked={tool.confirm === true}
          onChange={(e) => set({ confirm: e.target.checked || undefined })}
        />
        Ask the customer before running it
      </label>
      <button type="button" className="btn btn-small" onClick={onRemove} aria-label={`Remove tool ${tool.name}`}>
        Remove this tool
      </button>
    </fieldset>
  );
}
