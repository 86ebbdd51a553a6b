import { describe, expect, it } from 'vitest';
import { makeData } from '../testing/context';
import { TemplateError, createTemplateRenderer } from './template';

const renderer = createTemplateRenderer();
const data = makeData({ contact: { name: 'Amélie Poulain', attributes: { plan: 'gold' } }, vars: { order: { id: 42 } } });

describe('template renderer', () => {
  it('renders data, first_name and default filters', async () => {
    expect(
      await renderer.render(
        "Hi {{ contact.first_name | default: 'there' }}, plan {{ contact.attributes.plan }}, order {{ vars.order.id }}",
        data,
      ),
    ).toBe('Hi Amélie, plan gold, order 42');
    const anon = makeData({ contact: { name: null } });
    expect(await renderer.render("Hi {{ contact.first_name | default: 'there' }}!", anon)).toBe('Hi there!');
  });

  it('prints nothing for prototype properties', async () => {
    for (const t of [
      '{{ contact.constructor }}',
      '{{ contact.__proto__ }}',
      '{{ vars.constructor.constructor }}',
      '{{ contact.name.constructor }}',
      '{{ contact.toString }}',
    ]) {
      expect(await renderer.render(`[${t}]`, data)).toBe('[]');
    }
  });

  it('refuses tags that reach files', async () => {
    for (const t of ["{% include 'secrets' %}", "{% render '/etc/passwd' %}", "{% layout 'x' %}"]) {
      await expect(renderer.render(t, data)).rejects.toBeInstanceOf(TemplateError);
      expect(renderer.check(t)).toMatch(/not available/);
    }
  });

  it('refuses unknown filters and broken syntax with a plain message', async () => {
    await expect(renderer.render('{{ contact.name | exec }}', data)).rejects.toThrow(/Unknown filter "exec"/);
    await expect(renderer.render('{{ contact.name ', data)).rejects.toBeInstanceOf(TemplateError);
  });

  it('stops runaway loops', async () => {
    const bomb = '{% for a in (1..100000) %}{% for b in (1..100000) %}x{% endfor %}{% endfor %}';
    await expect(renderer.render(bomb, data)).rejects.toBeInstanceOf(TemplateError);
  });

  it('does not evaluate customer text as a template', async () => {
    const d = makeData({ message: { text: "{{ contact.email }}{% include 'x' %}" } });
    expect(await renderer.render('You said: {{ message.text }}', d)).toBe("You said: {{ contact.email }}{% include 'x' %}");
  });

  it('keeps a bounded cache', async () => {
    const small = createTemplateRenderer({ cacheSize: 2 });
    for (let i = 0; i < 10; i++) expect(await small.render(`{{ ${i} }}`, data)).toBe(String(i));
  });
});

describe('dates in the workspace time zone', () => {
  it("formats {{ 'now' | date }} in the workspace's zone, not the server's", async () => {
    const renderer = createTemplateRenderer();
    const at = (timezone: string) =>
      renderer.render("{{ trigger.at | date: '%H:%M' }}", makeData({ workspace: { timezone }, trigger: { at: '2030-06-03T12:00:00Z' } }));
    expect(await at('UTC')).toBe('12:00');
    expect(await at('Asia/Tokyo')).toBe('21:00');
    expect(await at('America/New_York')).toBe('08:00');
  });
});
