import { getDefinition } from '../flow';
import type { StepNode } from './convert';

// `workspace.hours_text` and `reply_time_text` are Settings in words ("Monday to Friday, 9am–5pm").
const base = [
  'contact.first_name',
  'contact.name',
  'contact.email',
  'contact.phone',
  'message.text',
  'workspace.name',
  'workspace.hours_text',
  'workspace.reply_time_text',
];

/** Placeholders offered in text fields: the usual ones plus whatever this flow's steps save. */
export function flowVariables(nodes: StepNode[]): string[] {
  const extra = new Set<string>();
  for (const n of nodes) {
    const saves = getDefinition(n.type ?? '')?.saves;
    if (!saves) continue;
    try {
      for (const path of saves(n.data.config)) if (path && !base.includes(path)) extra.add(path);
    } catch {
      // A half-typed config saves nothing yet.
    }
  }
  return [...base, ...[...extra].sort()];
}
