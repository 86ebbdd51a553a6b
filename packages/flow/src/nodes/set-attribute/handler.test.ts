import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { SetAttributeConfig } from './definition';
import { setAttribute } from './handler';

describe('action.set_attribute', () => {
  it('sets a rendered value', async () => {
    const ctx = makeContext({ message: { text: 'chocolate' } });
    expect((await setAttribute({ field: 'contact.attributes.flavour', value: '{{ message.text | capitalize }}' }, ctx)).effects).toEqual([
      { type: 'set_field', field: 'contact.attributes.flavour', value: 'Chocolate' },
    ]);
  });
  it('clears with an empty value', async () => {
    expect((await setAttribute({ field: 'vars.step', value: '' }, makeContext())).effects).toEqual([
      { type: 'set_field', field: 'vars.step', value: null },
    ]);
  });
  it('only writes known fields', () => {
    expect(SetAttributeConfig.safeParse({ field: 'contact.tags', value: 'x' }).success).toBe(false);
    expect(SetAttributeConfig.safeParse({ field: 'workspace.name', value: 'x' }).success).toBe(false);
    expect(SetAttributeConfig.safeParse({ field: 'contact.attributes.size', value: 'x' }).success).toBe(true);
  });
});
