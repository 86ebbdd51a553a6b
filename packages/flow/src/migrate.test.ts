import { describe, expect, it } from 'vitest';
import { FlowTemplate } from './document';
import { migrateDocument } from './migrate';
import { validateFlow } from './validate';

describe('migrateDocument', () => {
  it('upgrades a v0 export (data -> config) and keeps the envelope', () => {
    const v0 = {
      name: 'Opening hours',
      slug: 'opening-hours',
      nodes: [
        { id: 't', type: 'trigger.message_received', position: { x: 0, y: 0 }, data: { config: { keywords: ['hours'] } } },
        { id: 's', type: 'action.send_message', position: { x: 0, y: 100 }, data: { text: 'We open at 8.' } },
      ],
      edges: [{ id: 'e', source: 't', target: 's' }],
    };
    const migrated = migrateDocument(v0);
    const parsed = FlowTemplate.parse(migrated);
    expect(parsed.schemaVersion).toBe(1);
    expect(parsed.name).toBe('Opening hours');
    expect(parsed.nodes.map((n) => n.config)).toEqual([{ keywords: ['hours'] }, { text: 'We open at 8.' }]);
    expect(validateFlow(migrated).errors).toEqual([]);
  });

  it('leaves current and future versions alone', () => {
    const v1 = { schemaVersion: 1, nodes: [], edges: [] };
    expect(migrateDocument(v1)).toBe(v1);
    const v9 = { schemaVersion: 9, nodes: [], edges: [] };
    expect(migrateDocument(v9)).toBe(v9);
    expect(migrateDocument('nope')).toBe('nope');
  });
});
