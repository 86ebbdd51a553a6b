import { describe, expect, it } from 'vitest';
import type { ActiveFlow } from './active-flows';
import { chooseFlow } from './choose-flow';
import type { MessageEvent } from './match-triggers';

const messageFlow = (name: string, config: Record<string, unknown> = {}): ActiveFlow => ({
  workflowId: `wf-${name}`,
  versionId: `v-${name}`,
  name,
  definition: { schemaVersion: 1, nodes: [], edges: [] } as never,
  trigger: { id: 't', type: 'trigger.message_received', config: { channels: ['any'], ...config } } as never,
});
const openedFlow = (name: string): ActiveFlow => ({
  ...messageFlow(name),
  trigger: { id: 't', type: 'trigger.conversation_opened', config: {} } as never,
});

const says = (text: string, extra: Partial<MessageEvent> = {}): MessageEvent => ({
  channelType: 'webchat',
  channelId: 'ch',
  text,
  isFirstMessage: true,
  conversationOpened: false,
  handledBy: 'bot',
  ...extra,
});

const menu = messageFlow('Welcome menu', { firstMessageOnly: true });
const hours = messageFlow('Opening hours', { keywords: ['hours', 'opening times'] });
const prices = messageFlow('Prices', { keywords: ['price'] });

describe('chooseFlow', () => {
  it('starts only the first matching message flow, in the owner order', () => {
    expect(chooseFlow([menu, hours], says('hours'), null).start.map((f) => f.name)).toEqual(['Welcome menu']);
    expect(chooseFlow([hours, menu], says('hours'), null).start.map((f) => f.name)).toEqual(['Opening hours']);
    // The menu answers first messages only: a later "hours" reaches the hours flow.
    expect(chooseFlow([menu, hours], says('what are your hours?', { isFirstMessage: false }), null).start.map((f) => f.name)).toEqual([
      'Opening hours',
    ]);
  });

  it('starts nothing when nothing matches, so the unanswered default can answer', () => {
    expect(chooseFlow([hours, prices], says('can I bring my dog?'), null)).toEqual({ resume: null, interrupt: null, start: [] });
  });

  it('lets a waiting run take any answer that is not exactly another flow keyword', () => {
    const waiting = { runId: 'run-1', workflowId: menu.workflowId };
    // "hours" inside a sentence is an answer to the question, not a new request.
    expect(chooseFlow([menu, hours], says('I want to know your hours', { isFirstMessage: false }), waiting)).toEqual({
      resume: 'run-1',
      interrupt: null,
      start: [],
    });
    expect(chooseFlow([menu, hours], says('2', { isFirstMessage: false }), waiting).resume).toBe('run-1');
  });

  it('interrupts a waiting run when the whole message is another flow keyword', () => {
    const waiting = { runId: 'run-1', workflowId: menu.workflowId };
    for (const text of ['hours', 'HOURS', ' Opening   Times! ', 'hóurs?']) {
      const choice = chooseFlow([menu, hours], says(text, { isFirstMessage: false }), waiting);
      expect(choice.resume, text).toBeNull();
      expect(choice.interrupt).toEqual({ runId: 'run-1', byWorkflowId: hours.workflowId, byName: 'Opening hours' });
      expect(choice.start.map((f) => f.name)).toEqual(['Opening hours']);
    }
  });

  it('never interrupts a run with its own flow keyword', () => {
    const waiting = { runId: 'run-1', workflowId: hours.workflowId };
    expect(chooseFlow([hours], says('hours', { isFirstMessage: false }), waiting).resume).toBe('run-1');
  });

  it('starts conversation-opened flows alongside the answering flow', () => {
    const opened = openedFlow('Greeting');
    expect(chooseFlow([hours, opened, menu], says('hours', { conversationOpened: true }), null).start.map((f) => f.name)).toEqual([
      'Greeting',
      'Opening hours',
    ]);
  });

  it('skips flows that only answer while the bot handles the conversation', () => {
    expect(chooseFlow([hours], says('hours', { handledBy: 'human' }), null).start).toEqual([]);
    const always = messageFlow('Always', { keywords: ['hours'], onlyWhenBot: false });
    expect(chooseFlow([hours, always], says('hours', { handledBy: 'human' }), null).start.map((f) => f.name)).toEqual(['Always']);
  });
});
