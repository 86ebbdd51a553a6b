import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { TextMatchConfig, textMatchDefinition } from './definition';
import { textMatch } from './handler';

const config: TextMatchConfig = {
  cases: [
    { id: 'price', operator: 'contains_any', values: ['price', 'how much', 'prix'] },
    { id: 'yes', operator: 'exact', values: ['yes', 'oui'] },
    { id: 'order', operator: 'starts_with', values: ['order'] },
    { id: 'ref', operator: 'regex', values: ['\\bA-\\d{3}\\b'] },
  ],
};

async function run(text: string, c: TextMatchConfig = config) {
  return (await textMatch(c, makeContext({ message: { text } }))).output;
}

describe('condition.text_match', () => {
  it('follows the first matching case', async () => {
    expect(await run('What is the PRICE of a cake?')).toBe('price');
    expect(await run('Le prîx ?')).toBe('price');
    expect(await run('How much for 12 cupcakes')).toBe('price');
    expect(await run('  Yes! ')).toBe('yes');
    expect(await run('Oui')).toBe('yes');
    expect(await run('ORDER status please')).toBe('order');
    expect(await run('my ref is a-123')).toBe('ref');
  });

  it('goes to else when nothing matches, with whole words only', async () => {
    expect(await run('priceless')).toBe('else');
    expect(await run('yes please')).toBe('else');
    expect(await run('')).toBe('else');
  });

  it('reads another field when asked', async () => {
    const ctx = makeContext({ contact: { attributes: { plan: 'Gold' } } });
    const result = await textMatch({ field: 'contact.attributes.plan', cases: [{ id: 'gold', operator: 'exact', values: ['gold'] }] }, ctx);
    expect(result.output).toBe('gold');
  });

  it('refuses patterns RE2 cannot run, naming the branch and the field', () => {
    const lookahead = TextMatchConfig.safeParse({
      cases: [
        { id: 'ok', operator: 'regex', values: ['a'] },
        { id: 'urgent', operator: 'regex', values: ['x', 'foo(?=bar)'] },
      ],
    });
    expect(lookahead.success).toBe(false);
    expect(lookahead.error?.issues[0]?.path).toEqual(['cases', 1, 'values', 1]);
    expect(lookahead.error?.issues[0]?.message).toMatch(/^Branch "urgent", pattern 2: Lookahead/);
    expect(TextMatchConfig.safeParse({ cases: [{ id: 'x', operator: 'regex', values: ['(unclosed'] }] }).success).toBe(false);
    expect(TextMatchConfig.safeParse({ cases: [{ id: 'x', operator: 'regex', values: ['(a)\\1'] }] }).success).toBe(false);
    // Linear in RE2, so no longer refused.
    expect(TextMatchConfig.safeParse({ cases: [{ id: 'x', operator: 'regex', values: ['(a+)+$', '(\\w|\\d)*x'] }] }).success).toBe(true);
    expect(TextMatchConfig.safeParse({ cases: [{ id: 'else', operator: 'exact', values: ['a'] }] }).success).toBe(false);
  });

  it("bounds one step's patterns together", () => {
    const big = (n: number) => `\\p{L}{0,${n}}`;
    // About 300 compiled steps each: the fourth goes past the step's 1,000.
    const tooMuch = TextMatchConfig.safeParse({
      cases: [0, 1, 2, 3].map((i) => ({ id: `c${i}`, operator: 'regex', values: [big(150 - i)] })),
    });
    expect(tooMuch.success).toBe(false);
    expect(tooMuch.error?.issues).toHaveLength(1);
    expect(tooMuch.error?.issues[0]).toMatchObject({
      path: ['cases', 3, 'values'],
      message: expect.stringMatching(/^Branch "c3": this step's patterns together are too large/),
    });
  });

  it('matches regex cases ignoring accents and case', async () => {
    const c: TextMatchConfig = { cases: [{ id: 'school', operator: 'regex', values: ['^ecole\\b'] }] };
    expect(await run('École fermée', c)).toBe('school');
    expect(await run('ECOLE', c)).toBe('school');
    expect(await run('une ecole', c)).toBe('else');
  });

  it('handles long input quickly', async () => {
    const long = 'a'.repeat(100_000);
    const started = Date.now();
    expect(await run(long, { cases: [{ id: 'r', operator: 'regex', values: ['^a*b'] }] })).toBe('else');
    expect(await run(long, { cases: [{ id: 'r', operator: 'regex', values: ['.{0,40}.{0,40}.{0,40}.{0,40}!'] }] })).toBe('else');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('lists one output per case plus else', () => {
    expect(typeof textMatchDefinition.outputs === 'function' && textMatchDefinition.outputs(config)).toEqual([
      'price',
      'yes',
      'order',
      'ref',
      'else',
    ]);
  });
});
