import { describe, expect, it } from 'vitest';
import type { FlowDocument } from '../document';
import { validateFlow, type ConnectedChannel } from '../validate';

const pos = { x: 0, y: 0 };
const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({ id, type, position: pos, config });
const edge = (source: string, target: string, sourceHandle?: string) => ({
  id: `${source}-${sourceHandle ?? 'next'}-${target}`,
  source,
  target,
  ...(sourceHandle ? { sourceHandle } : {}),
});
const flow = (nodes: FlowDocument['nodes'], edges: FlowDocument['edges']): FlowDocument => ({ schemaVersion: 1, nodes, edges });
const windowIssues = (doc: FlowDocument, channels: ConnectedChannel[]) =>
  validateFlow(doc, { channels }).warnings.filter((w) => w.code.startsWith('window_'));

// A webhook-started flow names no channel: the workspace's connected channels decide the rule.
const fromWebhook = flow(
  [
    node('t', 'trigger.webhook'),
    node('s', 'action.send_message', { text: 'Your order shipped' }),
    node('h', 'action.handoff', { text: 'A person will follow up' }),
  ],
  [edge('t', 's'), edge('s', 'h')],
);

describe('messaging-window lint', () => {
  it('asks for a WhatsApp template on a webhook-started flow once WhatsApp is connected', () => {
    expect(windowIssues(fromWebhook, [{ type: 'webchat' }])).toEqual([]);
    const issues = windowIssues(fromWebhook, [{ type: 'webchat' }, { type: 'whatsapp' }]);
    expect(issues).toEqual([
      expect.objectContaining({ nodeId: 's', field: 'whatsappTemplate', code: 'window_template_needed' }),
      expect.objectContaining({ nodeId: 'h', code: 'window_template_needed' }),
    ]);
    expect(issues[0]?.message).toContain('Add a WhatsApp template to this step');
    expect(issues[1]?.message).toContain('Put a Send message step with a WhatsApp template before it');
  });

  it('never tells Messenger or Instagram to use a template: only a person may reply, within 7 days', () => {
    const issues = windowIssues(fromWebhook, [{ type: 'messenger' }, { type: 'instagram' }]);
    expect(issues.map((i) => [i.nodeId, i.code])).toEqual([
      ['s', 'window_closed'],
      ['h', 'window_closed'],
    ]);
    for (const issue of issues) {
      expect(issue.message).toContain('Messenger and Instagram');
      expect(issue.message).toContain('HUMAN_AGENT');
      expect(issue.message).toContain('7 days');
      expect(issue.message).not.toMatch(/template to this step|with a WhatsApp template/);
      expect(issue).not.toHaveProperty('field');
    }
  });

  it('gives each connected channel its own rule, and a template satisfies only WhatsApp', () => {
    const withTemplate = flow(
      [
        node('t', 'trigger.schedule', { cron: '0 9 * * 1' }),
        node('s', 'action.send_message', { text: 'Offer', whatsappTemplate: { name: 'offer', language: 'en' } }),
      ],
      [edge('t', 's')],
    );
    expect(windowIssues(withTemplate, [{ type: 'whatsapp' }])).toEqual([]);
    expect(windowIssues(withTemplate, [{ type: 'whatsapp' }, { type: 'messenger' }]).map((i) => i.code)).toEqual(['window_closed']);
    expect(windowIssues(fromWebhook, [{ type: 'whatsapp' }, { type: 'messenger' }]).map((i) => `${i.nodeId}:${i.code}`)).toEqual([
      's:window_template_needed',
      's:window_closed',
      'h:window_template_needed',
      'h:window_closed',
    ]);
  });

  it('treats free channels as free: SMS, email, Telegram, the API and the website chat', () => {
    expect(
      windowIssues(
        fromWebhook,
        ['twilio', 'email', 'telegram', 'api', 'webchat'].map((type) => ({ type })),
      ),
    ).toEqual([]);
  });

  it('reads a Twilio number as WhatsApp when it is a whatsapp: sender', () => {
    expect(windowIssues(fromWebhook, [{ type: 'twilio', config: { from: '+15550001111' } }])).toEqual([]);
    expect(windowIssues(fromWebhook, [{ type: 'twilio', config: { from: 'whatsapp:+15550001111' } }]).map((i) => i.code)).toEqual([
      'window_template_needed',
      'window_template_needed',
    ]);
  });

  it('follows the trigger filter, by channel type or by channel id', () => {
    const connected = [
      { id: 'ch_wa', type: 'whatsapp' },
      { id: 'ch_web', type: 'webchat' },
    ];
    const byMessage = (channels: string[]) =>
      flow(
        [
          node('t', 'trigger.message_received', { channels }),
          node('d', 'action.delay', { minutes: 1440 }),
          node('s', 'action.send_message', { text: 'Still there?' }),
        ],
        [edge('t', 'd'), edge('d', 's')],
      );
    expect(windowIssues(byMessage(['ch_web']), connected)).toEqual([]);
    expect(windowIssues(byMessage(['ch_wa']), connected)).toHaveLength(1);
    expect(windowIssues(byMessage(['webchat']), connected)).toEqual([]);
    // A type named in the filter counts even before such a channel is connected.
    expect(windowIssues(byMessage(['instagram']), connected).map((i) => i.code)).toEqual(['window_closed']);
  });

  it('opens the window again when the customer answers a question, not when the question times out', () => {
    const doc = flow(
      [
        node('t', 'trigger.webhook'),
        node('q', 'action.ask_question', { text: 'Still want it?', saveTo: 'vars.answer', timeoutMinutes: 60 }),
        node('yes', 'action.send_message', { text: 'Great' }),
        node('late', 'action.send_message', { text: 'We will keep it' }),
      ],
      [edge('t', 'q'), edge('q', 'yes', 'reply'), edge('q', 'late', 'timeout')],
    );
    expect(windowIssues(doc, [{ type: 'whatsapp' }]).map((i) => i.nodeId)).toEqual(['q', 'late']);
  });

  it('leaves customer-started flows alone until a wait of a day or more', () => {
    const doc = (minutes: number) =>
      flow(
        [
          node('t', 'trigger.conversation_opened'),
          node('hi', 'action.send_message', { text: 'Hi' }),
          node('d', 'action.delay', { minutes }),
          node('f', 'condition.faq_match'),
        ],
        [edge('t', 'hi'), edge('hi', 'd'), edge('d', 'f')],
      );
    expect(windowIssues(doc(60), [{ type: 'whatsapp' }])).toEqual([]);
    expect(windowIssues(doc(1440), [{ type: 'whatsapp' }]).map((i) => i.nodeId)).toEqual(['f']);
  });
});
