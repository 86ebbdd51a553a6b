import { describe, expect, it } from 'vitest';
import type { Requirement } from './document';
import { placeholdersLeft, withSamples } from './placeholders';

const nodes = [
  { id: 'prices', config: { text: 'Cupcakes £3' } },
  { id: 'sizes', config: { choices: ['Small', 'Large'] } },
  { id: 'assign', config: { to: 'anyone' } },
];

describe('template placeholders', () => {
  it('takes each sample from the node the template ships', () => {
    const requires: Requirement[] = [
      { kind: 'placeholder', nodeId: 'prices', field: 'text', label: 'Write your prices.' },
      { kind: 'setting', nodeId: 'sizes', field: 'choices', label: 'Check your sizes.' },
      { kind: 'team', nodeId: 'assign', field: 'teamId', label: 'Pick a team.' },
      { kind: 'setting', label: 'Set your hours in Settings.' },
    ];
    expect(withSamples(nodes, requires)).toEqual([
      { ...requires[0], sample: 'Cupcakes £3' },
      { ...requires[1], sample: ['Small', 'Large'] },
      requires[2],
      requires[3],
    ]);
  });

  it('counts a placeholder as left until its value changes', () => {
    const requires = withSamples(nodes, [{ kind: 'placeholder', nodeId: 'prices', field: 'text', label: 'Write your prices.' }]);
    expect(placeholdersLeft(nodes, requires).map((r) => r.nodeId)).toEqual(['prices']);
    expect(placeholdersLeft([{ id: 'prices', config: { text: 'Cupcakes £2.50' } }], requires)).toEqual([]);
    // A step that was deleted holds no sample.
    expect(placeholdersLeft([], requires)).toEqual([]);
  });

  it('never counts a setting to check, only placeholders', () => {
    const requires = withSamples(nodes, [{ kind: 'setting', nodeId: 'sizes', field: 'choices', label: 'Check your sizes.' }]);
    expect(placeholdersLeft(nodes, requires)).toEqual([]);
  });
});
