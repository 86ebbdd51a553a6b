import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { CompareConfig } from './definition';
import { compare } from './handler';

const ctx = () =>
  makeContext({
    contact: { email: 'a@b.co', tags: ['VIP', 'wholesale'], attributes: { orders: '12', plan: 'Gold', since: '2025-01-10' } },
    vars: { total: 99.5, limit: 100 },
  });

async function check(config: CompareConfig) {
  return (await compare(config, ctx())).output;
}

describe('condition.compare', () => {
  it('eq and neq compare loosely', async () => {
    expect(await check({ field: 'contact.attributes.plan', operator: 'eq', value: 'gold' })).toBe('true');
    expect(await check({ field: 'contact.attributes.orders', operator: 'eq', value: 12 })).toBe('true');
    expect(await check({ field: 'contact.attributes.plan', operator: 'neq', value: 'silver' })).toBe('true');
  });

  it('gt and lt compare numbers and dates, false otherwise', async () => {
    expect(await check({ field: 'contact.attributes.orders', operator: 'gt', value: '10' })).toBe('true');
    expect(await check({ field: 'vars.total', operator: 'lt', value: '{{ vars.limit }}' })).toBe('true');
    expect(await check({ field: 'contact.attributes.since', operator: 'lt', value: '2025-06-01' })).toBe('true');
    expect(await check({ field: 'contact.attributes.plan', operator: 'gt', value: '1' })).toBe('false');
  });

  it('contains works on text and lists; in on lists and comma text', async () => {
    expect(await check({ field: 'contact.email', operator: 'contains', value: '@B.CO' })).toBe('true');
    expect(await check({ field: 'contact.tags', operator: 'contains', value: 'vip' })).toBe('true');
    expect(await check({ field: 'contact.attributes.plan', operator: 'in', value: 'silver, gold' })).toBe('true');
    expect(await check({ field: 'contact.attributes.plan', operator: 'in', value: ['silver'] })).toBe('false');
  });

  it('exists is false for missing and empty values', async () => {
    expect(await check({ field: 'contact.email', operator: 'exists' })).toBe('true');
    expect(await check({ field: 'contact.phone', operator: 'exists' })).toBe('false');
    expect(await check({ field: 'contact.attributes.nope', operator: 'exists' })).toBe('false');
  });

  it('reports a broken placeholder on the value field', async () => {
    const result = await compare({ field: 'vars.total', operator: 'eq', value: '{{ vars.total | nosuch }}' }, ctx());
    expect(result.error?.field).toBe('value');
    expect(result.output).toBeUndefined();
  });

  it('asks for a value unless the operator is exists', () => {
    const r = CompareConfig.safeParse({ field: 'vars.x', operator: 'eq' });
    expect(r.error?.issues[0]?.path).toEqual(['value']);
  });
});
