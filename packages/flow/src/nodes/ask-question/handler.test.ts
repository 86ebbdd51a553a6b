import { describe, expect, it } from 'vitest';
import { makeContext, makeMessage } from '../../testing/context';
import type { MessageData } from '../../types';
import { AskQuestionConfig } from './definition';
import { askQuestion } from './handler';

const reply = (text: string, extra: Partial<MessageData> = {}) => ({ kind: 'reply' as const, message: makeMessage({ text, ...extra }) });

describe('action.ask_question', () => {
  it('asks and waits for the reply with the timeout', async () => {
    const result = await askQuestion(
      { text: 'Your email, {{ contact.first_name }}?', saveTo: 'contact.email', validate: 'email', timeoutMinutes: 60 },
      makeContext(),
    );
    expect(result.effects).toEqual([{ type: 'send_message', text: 'Your email, Alex?' }]);
    expect(result.wait).toEqual({ kind: 'reply', timeoutMinutes: 60, nodeState: { attempts: 0 } });
    expect(result.output).toBeUndefined();
  });

  it('saves a valid reply and goes down reply', async () => {
    const config: AskQuestionConfig = { text: 'Email?', saveTo: 'contact.email', validate: 'email' };
    const result = await askQuestion(config, makeContext({ resume: reply(' Sam@Example.COM '), nodeState: { attempts: 0 } }));
    expect(result.output).toBe('reply');
    expect(result.effects).toEqual([{ type: 'set_field', field: 'contact.email', value: 'sam@example.com' }]);
  });

  it('re-asks on an invalid reply, then gives up after three', async () => {
    const config: AskQuestionConfig = { text: 'How many?', saveTo: 'vars.count', validate: 'number', retryText: 'A number please' };
    const first = await askQuestion(config, makeContext({ resume: reply('a dozen'), nodeState: { attempts: 0 } }));
    expect(first.effects).toEqual([{ type: 'send_message', text: 'A number please' }]);
    expect(first.wait).toMatchObject({ kind: 'reply', nodeState: { attempts: 1 } });
    const third = await askQuestion(config, makeContext({ resume: reply('lots'), nodeState: { attempts: 2 } }));
    expect(third.output).toBe('timeout');
    expect(third.effects).toEqual([]);
    const ok = await askQuestion(config, makeContext({ resume: reply('1 200,5'), nodeState: { attempts: 1 } }));
    expect(ok.effects).toEqual([{ type: 'set_field', field: 'vars.count', value: 1200.5 }]);
  });

  it('goes down timeout when the wait expires', async () => {
    const result = await askQuestion({ text: 'Hi?', saveTo: 'vars.x' }, makeContext({ resume: { kind: 'timeout' } }));
    expect(result.output).toBe('timeout');
  });

  it('validates phones with libphonenumber and the workspace country', async () => {
    const config: AskQuestionConfig = { text: 'Phone?', saveTo: 'contact.phone', validate: 'phone' };
    const intl = await askQuestion(config, makeContext({ resume: reply('+44 20 7946 0958') }));
    expect(intl.effects).toEqual([{ type: 'set_field', field: 'contact.phone', value: '+442079460958' }]);
    const local = await askQuestion(
      config,
      makeContext({ resume: reply('06 12 34 56 78'), workspace: { settings: { defaultCountry: 'FR' } } }),
    );
    expect(local.effects).toEqual([{ type: 'set_field', field: 'contact.phone', value: '+33612345678' }]);
    const bad = await askQuestion(config, makeContext({ resume: reply('12345') }));
    expect(bad.wait?.kind).toBe('reply');
    expect(bad.effects[0]).toMatchObject({ type: 'send_message', text: expect.stringMatching(/phone number/) });
  });

  it('validates dates into YYYY-MM-DD and rejects impossible ones', async () => {
    const config: AskQuestionConfig = { text: 'When?', saveTo: 'vars.date', validate: 'date' };
    const run = async (text: string) => (await askQuestion(config, makeContext({ resume: reply(text) }))).effects[0];
    expect(await run('24/12/2026')).toEqual({ type: 'set_field', field: 'vars.date', value: '2026-12-24' });
    expect(await run('2026-12-24')).toEqual({ type: 'set_field', field: 'vars.date', value: '2026-12-24' });
    expect(await run('December 24, 2026')).toEqual({ type: 'set_field', field: 'vars.date', value: '2026-12-24' });
    expect(await run('31/02/2026')).toMatchObject({ type: 'send_message' });
  });

  it('offers choices as buttons and accepts a label, a number or a tapped button', async () => {
    const config: AskQuestionConfig = { text: 'Size?', saveTo: 'contact.attributes.size', validate: 'choice', choices: ['Small', 'Large'] };
    const asked = await askQuestion(config, makeContext());
    expect(asked.effects).toEqual([{ type: 'send_message', text: 'Size?', quickReplies: ['Small', 'Large'] }]);
    for (const [text, extra] of [
      ['large', {}],
      ['2', {}],
      ['', { quickReply: 'Large' }],
    ] as const) {
      const r = await askQuestion(config, makeContext({ resume: reply(text, extra) }));
      expect(r.effects).toEqual([{ type: 'set_field', field: 'contact.attributes.size', value: 'Large' }]);
    }
    expect(AskQuestionConfig.safeParse({ text: 'x', saveTo: 'vars.x', validate: 'choice' }).error?.issues[0]?.path).toEqual(['choices']);
  });

  it('refuses an unknown place to save', () => {
    expect(AskQuestionConfig.safeParse({ text: 'x', saveTo: 'contact.id' }).success).toBe(false);
  });
});
