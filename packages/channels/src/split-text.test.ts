import { describe, expect, it } from 'vitest';
import { splitText, utf8Bytes } from './split-text';

describe('splitText', () => {
  it('leaves short text alone', () => {
    expect(splitText('hello', 10, utf8Bytes)).toEqual(['hello']);
  });

  it('breaks at spaces and never inside a code point', () => {
    const text = '🎂'.repeat(10); // 40 bytes, no spaces
    const parts = splitText(text, 10, utf8Bytes);
    expect(parts).toEqual(['🎂🎂', '🎂🎂', '🎂🎂', '🎂🎂', '🎂🎂']);
    expect(splitText('aaaa bbbb cccc', 10, utf8Bytes)).toEqual(['aaaa bbbb', 'cccc']);
  });

  it('prefers a paragraph break', () => {
    expect(splitText('first part.\n\nsecond part here', 20, utf8Bytes)).toEqual(['first part.', 'second part here']);
  });
});
