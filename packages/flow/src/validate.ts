/**
 * Validation and lint of a flow document, for the canvas and the API. Errors block publishing;
 * warnings are shown but allowed. Every issue says what to do in plain words and carries the
 * node id and config field path when it is about one. Browser-safe and linear in the size of
 * the flow (a 500-node flow takes a few milliseconds).
 */
import { getDefinition } from './definitions';
import { FlowDocument } from './document';
import { edgeHandle } from './graph';
import { plainIssue, type Issue } from './issues';
import { keywordClashes, type ActiveKeywords } from './lint/keywords';
import { cyclicComponents } from './lint/loops';
import { windowRules, windowWarnings, type ConnectedChannel } from './lint/window';
import { secretUseErrors, secretWarnings } from './lint/secrets';
import { NEXT, type NodeDefinition } from './nodes/define';
import { parseNodeConfig } from './parse-node';

export type { Issue } from './issues';
export type { ActiveKeywords } from './lint/keywords';
export type { ConnectedChannel } from './lint/window';

export interface ValidateOptions {
  /** Keywords of the workspace's other active flows, to warn about clashes. */
  activeKeywords?: ActiveKeywords[];
  /** The workspace's connected channels, whose messaging-window rules the flow must follow. */
  channels?: readonly ConnectedChannel[];
  /** This flow's id, so its own published version is not reported as a clash. */
  workflowId?: string;
  /**
   * Checks a text field's placeholders, returning a problem or null. The server passes its
   * LiquidJS renderer's `check`; the editor may leave it out to keep Liquid out of its bundle.
   */
  checkTemplate?: (template: string) => string | null;
}

export interface ValidationResult {
  errors: Issue[];
  warnings: Issue[];
}

/** Envelope problems (not an object, a node without id, ...) with the node id when known. */
function envelopeErrors(input: unknown, issues: readonly Parameters<typeof plainIssue>[0][]): Issue[] {
  const nodes = (input as { nodes?: unknown })?.nodes;
  return issues.map((issue) => {
    const [top, i, ...rest] = issue.path;
    if (top === 'schemaVersion')
      return {
        code: 'schema_version',
        field: 'schemaVersion',
        message: 'This flow was saved in a format this version does not read. Import it again so it is upgraded.',
      };
    const plain = plainIssue(issue);
    const id = top === 'nodes' && Array.isArray(nodes) && typeof i === 'number' ? (nodes[i] as { id?: unknown })?.id : undefined;
    const base = { code: 'invalid_document', message: plain.message };
    if (typeof id === 'string') return { ...base, nodeId: id, ...(rest.length ? { field: rest.map(String).join('.') } : {}) };
    return { ...base, ...(plain.field ? { field: plain.field } : {}) };
  });
}

const TEMPLATE_WIDGETS = new Set(['template', 'multiline']);

/** Broken placeholders in the text fields a definition marks as templates. */
function templateErrors(
  nodeId: string,
  definition: NodeDefinition,
  config: Record<string, unknown>,
  check: (t: string) => string | null,
): Issue[] {
  const issues: Issue[] = [];
  for (const [field, hint] of Object.entries(definition.fields ?? {})) {
    const value = config[field];
    if (!hint || !TEMPLATE_WIDGETS.has(hint.widget) || typeof value !== 'string') continue;
    const problem = check(value);
    if (problem) issues.push({ nodeId, field, code: 'invalid_template', message: problem });
  }
  return issues;
}

/** Names the output and the step as the canvas draws them ("Closed now" of "Business hours"). */
function unconnectedMessage(node: { type: string; label?: string | undefined } | undefined, out: string): string {
  const definition = node ? getDefinition(node.type) : undefined;
  const output = definition?.outputLabels?.[out] ?? out.replace(/_/g, ' ');
  const step = node?.label || definition?.label || 'this step';
  return `Connect the "${output}" output of ${step} to a next step; otherwise the flow stops there when it is taken.`;
}

/** Checks a flow document; never throws, whatever it is given. */
export function validateFlow(input: unknown, options: ValidateOptions = {}): ValidationResult {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const parsedDoc = FlowDocument.safeParse(input);
  if (!parsedDoc.success) return { errors: envelopeErrors(input, parsedDoc.error.issues), warnings };
  const doc = parsedDoc.data;

  const nodes = new Map<string, (typeof doc.nodes)[number]>();
  const configs = new Map<string, Record<string, unknown>>();
  const outputs = new Map<string, readonly string[] | null>();
  for (const node of doc.nodes) {
    if (nodes.has(node.id)) {
      errors.push({
        nodeId: node.id,
        code: 'duplicate_node_id',
        message: `Two steps share the id "${node.id}". Give each step its own id.`,
      });
      continue;
    }
    nodes.set(node.id, node);
    const parsed = parseNodeConfig(node);
    if (parsed.ok) {
      configs.set(node.id, parsed.config as Record<string, unknown>);
      if (options.checkTemplate)
        errors.push(...templateErrors(node.id, parsed.definition, parsed.config as Record<string, unknown>, options.checkTemplate));
      const outs = parsed.definition.outputs;
      outputs.set(node.id, typeof outs === 'function' ? outs(parsed.config) : outs);
    } else {
      for (const p of parsed.problems) errors.push({ nodeId: node.id, ...p });
      const outs = parsed.definition?.outputs;
      outputs.set(node.id, outs && typeof outs !== 'function' ? outs : null);
    }
  }

  const triggers = doc.nodes.filter((n) => getDefinition(n.type)?.kind === 'trigger');
  if (triggers.length === 0)
    errors.push({ code: 'no_trigger', message: 'Add a trigger (for example "Message received") so the flow knows when to start.' });
  for (const extra of triggers.slice(1)) {
    errors.push({
      nodeId: extra.id,
      code: 'multiple_triggers',
      message: 'A flow has exactly one trigger. Delete this one or move it to a flow of its own.',
    });
  }

  const edgeIds = new Set<string>();
  const outgoing = new Map<string, (typeof doc.edges)[number][]>();
  for (const edge of doc.edges) {
    if (edgeIds.has(edge.id))
      errors.push({ code: 'duplicate_edge_id', message: `Two connections share the id "${edge.id}". Reconnect one of them.` });
    edgeIds.add(edge.id);
    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    if (!source || !target) {
      const known = source ?? target;
      errors.push({
        ...(known ? { nodeId: known.id } : {}),
        code: 'dangling_edge',
        message: `A connection points to a step that does not exist ("${source ? edge.target : edge.source}"). Delete the connection.`,
      });
      continue;
    }
    if (getDefinition(target.type)?.kind === 'trigger') {
      errors.push({
        nodeId: target.id,
        code: 'edge_into_trigger',
        message: 'Nothing can lead into a trigger; it only starts the flow. Remove the connection.',
      });
      continue;
    }
    const outs = outputs.get(source.id);
    const handle = edgeHandle(edge);
    if (outs && !outs.includes(handle)) {
      errors.push({
        nodeId: source.id,
        code: 'unknown_output',
        message:
          outs.length === 0
            ? 'The flow ends at this step; remove the connection leaving it.'
            : `This step has no "${handle}" output (it has ${outs.join(', ')}). Reconnect the connection.`,
      });
      continue;
    }
    const list = outgoing.get(source.id) ?? [];
    if (list.some((e) => edgeHandle(e) === handle)) {
      warnings.push({
        nodeId: source.id,
        code: 'duplicate_output_edge',
        message: `The "${handle}" output is connected to several steps; only the first one will run. Keep one connection.`,
      });
      continue;
    }
    list.push(edge);
    outgoing.set(source.id, list);
  }

  const trigger = triggers[0];
  if (!trigger) return { errors, warnings };
  const successors = (id: string) => (outgoing.get(id) ?? []).map((e) => e.target);

  const reachable = new Set<string>([trigger.id]);
  const queue = [trigger.id];
  while (queue.length) {
    for (const next of successors(queue.pop() as string)) {
      if (reachable.has(next)) continue;
      reachable.add(next);
      queue.push(next);
    }
  }
  for (const node of nodes.values()) {
    if (reachable.has(node.id) || triggers.includes(node)) continue;
    errors.push({ nodeId: node.id, code: 'unreachable', message: 'This step can never run: connect it to the flow or delete it.' });
  }
  if (!outgoing.has(trigger.id)) warnings.push({ nodeId: trigger.id, code: 'empty_flow', message: 'Connect the trigger to a first step.' });

  for (const id of reachable) {
    const outs = outputs.get(id);
    if (!outs) continue;
    const used = new Set((outgoing.get(id) ?? []).map(edgeHandle));
    for (const out of outs) {
      if (out === NEXT || used.has(out)) continue;
      warnings.push({ nodeId: id, code: 'unconnected_output', message: unconnectedMessage(nodes.get(id), out) });
    }
  }

  for (const component of cyclicComponents([...reachable], successors)) {
    if (component.some((id) => getDefinition(nodes.get(id)?.type ?? '')?.waits)) continue;
    for (const id of component) {
      errors.push({
        nodeId: id,
        code: 'loop_without_wait',
        message:
          'This step is in a loop that never waits for the customer or a delay, so it would run forever. Add an "Ask a question" or "Wait" step to the loop, or break it.',
      });
    }
  }

  const triggerConfig = configs.get(trigger.id);
  const keywords = triggerConfig?.keywords;
  if (trigger.type === 'trigger.message_received' && Array.isArray(keywords) && options.activeKeywords) {
    warnings.push(...keywordClashes(trigger.id, keywords as string[], options.activeKeywords, options.workflowId));
  }
  const rules = windowRules(triggerConfig, options.channels ?? []);
  warnings.push(...windowWarnings({ trigger, nodes, configs, outgoing, rules }));
  warnings.push(...secretWarnings(nodes, configs));
  errors.push(...secretUseErrors(configs));
  return { errors, warnings };
}
