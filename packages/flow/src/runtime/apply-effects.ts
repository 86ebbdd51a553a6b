/**
 * Applying effects to the in-memory flow data, so later steps of the same activation see them
 * (a saved answer in a template, a tag in a condition). The server persists the same effects;
 * this only keeps `ctx.data` in step, and is the whole of it for a simulated run.
 */
import { unverifiedField } from '../fields';
import type { Effect, FlowData } from '../types';

function asText(value: unknown): string | null {
  return value === null || value === undefined || value === '' ? null : String(value);
}

/** Sets `contact.name`, `contact.attributes.x` or `vars.x` (email and phone as typed ones); null clears it. */
export function setField(data: FlowData, field: string, value: unknown): void {
  const [root, key, sub] = unverifiedField(field).split('.');
  if (root === 'vars' && key) {
    if (value === null) delete data.vars[key];
    else data.vars[key] = value;
  } else if (root === 'contact' && key === 'attributes' && sub) {
    if (value === null) delete data.contact.attributes[sub];
    else data.contact.attributes[sub] = value;
  } else if (root === 'contact' && key === 'name') {
    data.contact.name = asText(value);
    data.contact.firstName = data.contact.name?.trim().split(/\s+/)[0] ?? null;
  }
}

export function applyEffects(data: FlowData, effects: readonly Effect[]): void {
  const conv = data.conversation;
  for (const effect of effects) {
    switch (effect.type) {
      case 'set_field':
        setField(data, effect.field, effect.value);
        break;
      case 'add_tags': {
        const have = new Set(data.contact.tags.map((t) => t.toLowerCase()));
        for (const t of effect.tags) if (!have.has(t.toLowerCase())) data.contact.tags.push(t);
        break;
      }
      case 'remove_tags': {
        const drop = new Set(effect.tags.map((t) => t.toLowerCase()));
        data.contact.tags = data.contact.tags.filter((t) => !drop.has(t.toLowerCase()));
        break;
      }
      case 'set_status':
        if (conv && effect.status) conv.status = effect.status;
        if (conv && effect.priority) conv.priority = effect.priority;
        break;
      case 'assign':
        if (!conv) break;
        if (effect.to === 'unassign') Object.assign(conv, { assigneeId: null, teamId: null });
        if (effect.to === 'agent') conv.assigneeId = effect.userId ?? null;
        if (effect.to === 'team') conv.teamId = effect.teamId ?? null;
        break;
      case 'handoff':
        if (conv) {
          conv.handledBy = 'human';
          if (effect.teamId) conv.teamId = effect.teamId;
        }
        break;
      case 'send_message':
        conv?.recentMessages?.push({ direction: 'out', text: effect.text });
        break;
      case 'note':
      case 'crm':
        break;
    }
  }
}
