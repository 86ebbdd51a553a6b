import type { StepNode } from './convert';

// `workspace.hours_text` and `reply_time_text` are Settings in words ("Monday to Friday, 9am–5pm").
const base = ['contact.first_name', 'contact.name', 'contact.email', 'contact.phone', 'message.text', 'workspace.name', 'workspace.hours_text', 'workspace.reply_time_text'];

/** Placeholders offered in text fields: the usual ones plus whatever this flow saves. */
export function flowVariables(nodes: StepNode[]): string[] {
  const extra = new Set<string>();
  for (const n of nodes) {
    const c = n.data.config;
    for (const key of ['saveTo', 'field']) {
      const v = c[key];
      if (typeof v !== 'string' || !v) continue;
      if (n.type === 'action.http_request' && key === 'saveTo') extra.add(`vars.${v.replace(/^vars\./, '')}.body`);
      else if (/^(vars|contact\.attributes)\./.test(v)) extra.add(v);
    }
  }
  return [...base, ...[...extra].sort()];
}
