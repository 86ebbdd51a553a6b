import { describe, expect, it } from 'vitest';
import { decodeEncodedWords, normalizeMessageId, parseHeaderBlock, parseMailbox, stripQuotedReply, threadRefOf } from './headers';

describe('email headers', () => {
  it('parses mailboxes, decoding encoded-word names', () => {
    expect(parseMailbox('"Lovelace, Ada" <Ada@Example.COM>')).toEqual({ name: 'Lovelace, Ada', address: 'ada@example.com' });
    expect(parseMailbox('=?UTF-8?Q?Zo=C3=AB?= <zoe@example.org>')).toEqual({ name: 'Zoë', address: 'zoe@example.org' });
    expect(parseMailbox('zoe@example.org (Zoe)')).toEqual({ address: 'zoe@example.org' });
    expect(parseMailbox('no address here')).toBeUndefined();
  });

  it('decodes Q and B encoded-words, joining adjacent ones', () => {
    expect(decodeEncodedWords('=?ISO-8859-1?Q?Caf=E9_cr=E8me?=')).toBe('Café crème');
    expect(decodeEncodedWords('=?UTF-8?B?8J+OgiBjYWtl?= =?UTF-8?Q?_order?=')).toBe('🎂 cake order');
    expect(decodeEncodedWords('plain subject')).toBe('plain subject');
  });

  it('normalizes Message-IDs and finds the thread reference', () => {
    expect(normalizeMessageId(' <a.b@host> ')).toBe('a.b@host');
    expect(normalizeMessageId('a.b@host')).toBe('a.b@host');
    expect(threadRefOf(undefined, '<one@h> <two@h>')).toBe('two@h');
    expect(threadRefOf('<reply@h>', '<one@h>')).toBe('reply@h');
    expect(threadRefOf(undefined, undefined)).toBeUndefined();
  });

  it('unfolds a raw header block', () => {
    const headers = parseHeaderBlock('Subject: a\r\n b\r\nMessage-ID: <x@y>\r\nReceived: 1\r\nReceived: 2');
    expect(headers.get('subject')).toBe('a b');
    expect(headers.get('message-id')).toBe('<x@y>');
    expect(headers.get('received')).toBe('1');
  });

  it('strips quoted history, keeping the whole text when nothing else is left', () => {
    expect(stripQuotedReply('Yes!\n\nOn Mon, 5 Jan 2026 at 10:00, Bakery <b@x>\nwrote:\n> old')).toBe('Yes!');
    expect(stripQuotedReply('Fine\n-----Original Message-----\nFrom: x')).toBe('Fine');
    expect(stripQuotedReply('> only a quote')).toBe('> only a quote');
  });
});
