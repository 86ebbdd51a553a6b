/**
 * Validation timings for generated flows of 50, 500 and 5,000 nodes (target: a 500-node flow
 * validates well under 200 ms). Run: `npm run bench -w @switchboard/flow`.
 */
import { performance } from 'node:perf_hooks';
import type { FlowDocument } from '../src/document';
import { validateFlow } from '../src/validate';

/** A realistic mix: text matches with branches, messages, questions (some looping back), tags. */
export function generateFlow(size: number): FlowDocument {
  const pos = { x: 0, y: 0 };
  const nodes: FlowDocument['nodes'] = [
    { id: 'n0', type: 'trigger.message_received', position: pos, config: { channels: ['whatsapp'], keywords: ['cake', 'price'] } },
  ];
  const edges: FlowDocument['edges'] = [];
  for (let i = 1; i < size; i++) {
    const id = `n${i}`;
    switch (i % 5) {
      case 0:
        nodes.push({
          id,
          type: 'condition.text_match',
          position: pos,
          config: {
            cases: [
              { id: 'a', operator: 'contains_any', values: ['yes', 'ok'] },
              { id: 'b', operator: 'regex', values: ['^\\d{3}$'] },
            ],
          },
        });
        break;
      case 1:
        nodes.push({
          id,
          type: 'action.send_message',
          position: pos,
          config: { text: `Step ${i} for {{ contact.first_name | default: 'you' }}`, quickReplies: ['Yes', 'No'] },
        });
        break;
      case 2:
        nodes.push({
          id,
          type: 'action.ask_question',
          position: pos,
          config: { text: 'Which date?', saveTo: `vars.d${i}`, validate: 'date', timeoutMinutes: 60 },
        });
        break;
      case 3:
        nodes.push({ id, type: 'action.add_tag', position: pos, config: { tags: ['lead'] } });
        break;
      default:
        nodes.push({
          id,
          type: 'condition.compare',
          position: pos,
          config: { field: 'contact.attributes.orders', operator: 'gt', value: '3' },
        });
    }
    const prev = nodes[i - 1] as { id: string; type: string };
    const handle =
      prev.type === 'condition.text_match'
        ? 'a'
        : prev.type === 'action.ask_question'
          ? 'reply'
          : prev.type === 'condition.compare'
            ? 'true'
            : undefined;
    edges.push({ id: `e${i}`, source: prev.id, target: id, ...(handle ? { sourceHandle: handle } : {}) });
    // Loops back through a question, and side branches, so the graph checks have work to do.
    if (prev.type === 'action.ask_question' && i > 10)
      edges.push({ id: `t${i}`, source: prev.id, target: `n${i - 8}`, sourceHandle: 'timeout' });
    if (prev.type === 'condition.text_match') edges.push({ id: `b${i}`, source: prev.id, target: id, sourceHandle: 'b' });
  }
  return { schemaVersion: 1, nodes, edges };
}

function time(doc: FlowDocument, runs: number): { median: number; max: number; errors: number; warnings: number } {
  const samples: number[] = [];
  let last = validateFlow(doc);
  for (let r = 0; r < runs; r++) {
    const copy = structuredClone(doc); // a fresh object each time, as after a JSON parse
    const t0 = performance.now();
    last = validateFlow(copy, {
      channels: [{ type: 'whatsapp' }],
      activeKeywords: [{ workflowId: 'w2', workflowName: 'Other', keywords: ['hours'] }],
    });
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return {
    median: samples[Math.floor(samples.length / 2)] as number,
    max: samples.at(-1) as number,
    errors: last.errors.length,
    warnings: last.warnings.length,
  };
}

for (const size of [50, 500, 5000]) {
  const doc = generateFlow(size);
  const cold = time(doc, 1).median; // first call of this size: closest to opening a flow in the editor
  time(doc, 3); // warm-up
  const t = time(doc, size >= 5000 ? 10 : 30);
  console.log(
    `${String(size).padStart(5)} nodes, ${String(doc.edges.length).padStart(5)} edges: median ${t.median.toFixed(2)} ms, max ${t.max.toFixed(2)} ms, first ${cold.toFixed(2)} ms (${t.errors} errors, ${t.warnings} warnings)`,
  );
}
