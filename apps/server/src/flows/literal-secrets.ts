/**
 * Secrets typed straight into a flow (an `Authorization: Bearer abc…` header, `?api_key=abc` in a
 * URL) rather than kept as workspace credentials. Exports swap them for `{{ secrets.<name> }}`
 * placeholders the importer fills in, and agents see them masked: the flow document itself is
 * the one place they can still be read, by the workspace's admins.
 */
import type { Role } from '@switchboard/db';
import {
  getDefinition,
  isSensitiveHeader,
  isSensitiveParam,
  maskUrlParams,
  SECRET_MASK,
  secretRefs,
  type FlowDocument,
  type Requirement,
} from '@switchboard/flow';

type FlowNode = FlowDocument['nodes'][number];
type HttpConfig = { url?: unknown; headers?: Record<string, unknown>; body?: unknown };

/** A literal secret found in a node (its value is only for telling repeats apart). */
export type LiteralSecret = { nodeId: string; field: string; host: string | null; value: string };

const SCHEME = /^(bearer|basic|token|bot)\s+/i;
/** Steps that send a `url` and `headers` to another system, where a credential may be typed in. */
const callsWithHeaders = (type: string): boolean => getDefinition(type)?.credentialFields?.('headers.authorization') === true;
const PLACEHOLDER = /\{\{[^}]*\}\}|\{%[^%]*%\}/g;
// A `"name": "value"` pair of a JSON body (no escapes inside: those are left alone).
const JSON_PAIR = /"([^"\\]{1,100})"(\s*:\s*)"([^"\\]*)"/g;

/** True when the value holds more than placeholders (and an auth scheme word): something typed in. */
export function isLiteral(value: string): boolean {
  return value.replace(SCHEME, '').replace(PLACEHOLDER, '').trim() !== '';
}

function hostOf(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

/**
 * `doc` with each literal secret in outbound steps' headers, URL query parameters and JSON body
 * fields (by their names: authorization, *token*, *key*, *secret*, ...) replaced by
 * `replace(found)` (an auth scheme word such as "Bearer " is kept), and the list of what was found.
 */
export function replaceLiteralSecrets(
  doc: FlowDocument,
  replace: (found: LiteralSecret) => string,
): { doc: FlowDocument; found: LiteralSecret[] } {
  const found: LiteralSecret[] = [];
  const nodes = (doc.nodes ?? []).map((node): FlowNode => {
    if (node?.type === AI_AGENT) return replaceInAgentTools(node, replace, found);
    if (!callsWithHeaders(node.type) || !node.config || typeof node.config !== 'object') return node;
    const config = node.config as HttpConfig;
    const host = hostOf(config.url);
    let changed = false;
    let headers = config.headers;
    if (headers && typeof headers === 'object') {
      headers = Object.fromEntries(
        Object.entries(headers).map(([key, value]) => {
          if (typeof value !== 'string' || !isSensitiveHeader(key) || !isLiteral(value)) return [key, value];
          const hit = { nodeId: node.id, field: `headers.${key}`, host, value: value.replace(SCHEME, '') };
          found.push(hit);
          changed = true;
          return [key, `${SCHEME.exec(value)?.[0] ?? ''}${replace(hit)}`];
        }),
      );
    }
    let url = config.url;
    if (typeof url === 'string') {
      url = maskUrlParams(url, (param, value) => {
        if (!isLiteral(safeDecode(value))) return null;
        const hit = { nodeId: node.id, field: `url.${param}`, host, value };
        found.push(hit);
        changed = true;
        return replace(hit);
      });
    }
    if (typeof url === 'string') {
      url = maskPathTokens(url, (segment, prefix) => {
        const hit = { nodeId: node.id, field: 'url.path', host, value: segment };
        found.push(hit);
        changed = true;
        return `${prefix}${replace(hit)}`;
      });
    }
    let body = config.body;
    if (typeof body === 'string' && FORM_BODY.test(body)) {
      body = body
        .split('&')
        .map((pair) => {
          const eq = pair.indexOf('=');
          const name = safeDecode(pair.slice(0, eq));
          const value = pair.slice(eq + 1);
          if (eq < 0 || !isSensitiveParam(name) || !isLiteral(safeDecode(value))) return pair;
          const hit = { nodeId: node.id, field: `body.${name}`, host, value };
          found.push(hit);
          changed = true;
          return `${pair.slice(0, eq)}=${replace(hit)}`;
        })
        .join('&');
    } else if (typeof body === 'string' && body.includes('"')) {
      body = body.replace(JSON_PAIR, (pair, name: string, colon: string, value: string) => {
        if (!isSensitiveHeader(name) || !isLiteral(value)) return pair;
        const hit = { nodeId: node.id, field: `body.${name}`, host, value: value.replace(SCHEME, '') };
        found.push(hit);
        changed = true;
        return `"${name}"${colon}"${SCHEME.exec(value)?.[0] ?? ''}${replace(hit)}"`;
      });
    }
    return changed
      ? ({ ...node, config: { ...config, url, ...(headers ? { headers } : {}), ...(body !== undefined ? { body } : {}) } } as FlowNode)
      : node;
  });
  return { doc: { ...doc, nodes }, found };
}

const AI_AGENT = 'action.ai_agent';
type AgentConfig = { tools?: { request?: HttpConfig & Record<string, unknown> }[] };

/** An AI agent's tool requests are outbound calls too: each is treated as an HTTP step's config. */
function replaceInAgentTools(node: FlowNode, replace: (found: LiteralSecret) => string, found: LiteralSecret[]): FlowNode {
  const config = node.config as AgentConfig | undefined;
  if (!config || !Array.isArray(config.tools)) return node;
  const tools = config.tools.map((tool, i) => {
    if (!tool?.request || typeof tool.request !== 'object') return tool;
    const call = { id: node.id, type: 'action.http_request', position: node.position, config: tool.request } as unknown as FlowNode;
    const inner = replaceLiteralSecrets({ schemaVersion: 1, nodes: [call], edges: [] } as unknown as FlowDocument, (hit) =>
      replace({ ...hit, field: `tools.${i}.request.${hit.field}` }),
    );
    for (const hit of inner.found) found.push({ ...hit, field: `tools.${i}.request.${hit.field}` });
    return { ...tool, request: inner.doc.nodes[0]!.config };
  });
  return { ...node, config: { ...config, tools } } as FlowNode;
}

// A form-encoded body (`api_key=abc&q=1`), as opposed to JSON or plain text.
const FORM_BODY = /^[\w.%\-[\]]+=[^\s]*$/;
// A bot token in a path (`/bot123456:AAE…`, Telegram's form): the id and the key after it.
const BOT_TOKEN = /^(bot)(\d+:.+)$/i;

/** A path segment that reads like a token: 16+ characters mixing letters and digits. */
function looksLikeToken(segment: string): boolean {
  return segment.length >= 16 && /[a-z]/i.test(segment) && /\d/.test(segment);
}

/**
 * The URL with path segments that look like tokens (`/bot123:AAE…`, a Slack or Discord hook's
 * key) replaced by `replace(segment, prefix)`; segments holding placeholders are left alone.
 */
function maskPathTokens(url: string, replace: (segment: string, prefix: string) => string): string {
  const start = url.indexOf('//');
  const pathStart = start < 0 ? -1 : url.indexOf('/', start + 2);
  if (pathStart < 0) return url;
  const endAt = url.slice(pathStart).search(/[?#]/);
  const pathEnd = endAt < 0 ? url.length : pathStart + endAt;
  const path = url
    .slice(pathStart, pathEnd)
    .split('/')
    .map((segment) => {
      if (!segment || segment.includes('{')) return segment;
      const decoded = safeDecode(segment);
      const bot = BOT_TOKEN.exec(decoded);
      if (bot) return replace(bot[2] as string, bot[1] as string);
      return looksLikeToken(decoded) ? replace(decoded, '') : segment;
    })
    .join('/');
  return `${url.slice(0, pathStart)}${path}${url.slice(pathEnd)}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A credential name suggested for a secret sent to `host`: `shop` for shop.example.com, `shopify` for api.shopify.com. */
export function suggestName(host: string | null, taken: Set<string>): string {
  const labels = (host ?? '')
    .toLowerCase()
    .split('.')
    .filter((l) => l && !['www', 'api', 'app'].includes(l));
  const base = (labels.length > 1 ? labels.slice(0, -1) : labels)[0]?.replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]+/, '') || 'api';
  let name = base.slice(0, 40);
  for (let n = 2; taken.has(name); n++) name = `${base.slice(0, 40)}_${n}`;
  taken.add(name);
  return name;
}

/** Every credential name a flow's nodes read, with the first node and field that reads it. */
export function credentialRefs(doc: FlowDocument): Map<string, { nodeId: string; field: string }> {
  const refs = new Map<string, { nodeId: string; field: string }>();
  const walk = (value: unknown, nodeId: string, path: string) => {
    if (typeof value === 'string') {
      for (const name of secretRefs(value)) if (!refs.has(name)) refs.set(name, { nodeId, field: path });
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, nodeId, path ? `${path}.${k}` : k);
    }
  };
  for (const node of doc.nodes ?? []) walk(node.config, node.id, '');
  return refs;
}

/** The checklist entries for credentials a flow reads that the workspace does not have. */
export function missingCredentials(doc: FlowDocument, existing: Iterable<string>): Requirement[] {
  const have = new Set(existing);
  return [...credentialRefs(doc)]
    .filter(([name]) => !have.has(name))
    .map(([name, at]) => ({
      kind: 'credential' as const,
      nodeId: at.nodeId,
      field: at.field,
      label: `Add the credential "${name}" in Settings → Credentials`,
    }));
}

/**
 * A flow definition as `role` may read it. Agents see the steps that call out (HTTP request,
 * CRM push) with the address's scheme and host only and no headers or body: a credential typed
 * into a path, a header or a body of any shape is never theirs to read.
 */
export function definitionFor(role: Role, definition: unknown): unknown {
  if (role !== 'agent' || !definition || typeof definition !== 'object' || !Array.isArray((definition as FlowDocument).nodes))
    return definition;
  const doc = definition as FlowDocument;
  const nodes = doc.nodes.map((node): FlowNode => {
    if (node?.type === AI_AGENT && Array.isArray((node.config as AgentConfig | undefined)?.tools)) {
      // A tool's request as an HTTP step's: its method and the address's origin, nothing more.
      const tools = (node.config as AgentConfig).tools!.map((tool) =>
        tool?.request ? { ...tool, request: { method: tool.request.method, url: originOf(tool.request.url) } } : tool,
      );
      return { ...node, config: { ...(node.config as object), tools } } as FlowNode;
    }
    if (!node || !callsWithHeaders(node.type) || !node.config || typeof node.config !== 'object') return node;
    const { url, headers: _headers, body: _body, ...rest } = node.config as HttpConfig & Record<string, unknown>;
    return { ...node, config: { ...rest, ...(url !== undefined ? { url: originOf(url) } : {}) } } as FlowNode;
  });
  return { ...doc, nodes };
}

function originOf(url: unknown): string {
  if (typeof url !== 'string') return SECRET_MASK;
  try {
    const parsed = new URL(url);
    return /^https?:$/.test(parsed.protocol) ? parsed.origin : SECRET_MASK;
  } catch {
    return SECRET_MASK;
  }
}
