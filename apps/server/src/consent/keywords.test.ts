import { describe, expect, it } from 'vitest';
import { confirmationText, consentKeyword, normalizeKeyword } from './keywords';

describe('consent keywords', () => {
  it('takes the standard words alone, in any case, with punctuation around them', () => {
    expect(consentKeyword('STOP')).toEqual({ action: 'stop', keyword: 'STOP' });
    expect(consentKeyword('  stop! ')).toEqual({ action: 'stop', keyword: 'STOP' });
    expect(consentKeyword('Unsubscribe.')).toMatchObject({ action: 'stop' });
    expect(consentKeyword('start')).toMatchObject({ action: 'start' });
    expect(consentKeyword('Unstop')).toMatchObject({ action: 'start' });
  });

  it('ignores a keyword inside a sentence', () => {
    expect(consentKeyword("please don't stop the delivery")).toBeNull();
    expect(consentKeyword('stop sending the blue cake')).toBeNull();
    expect(consentKeyword('Hello')).toBeNull();
    expect(consentKeyword('')).toBeNull();
  });

  it("adds the workspace's own words, accents ignored", () => {
    const words = { stopWords: ['arrêter', 'baja'], startWords: ['alta'] };
    expect(consentKeyword('Arreter', words)).toEqual({ action: 'stop', keyword: 'ARRETER' });
    expect(consentKeyword('BAJA', words)).toMatchObject({ action: 'stop' });
    expect(consentKeyword('alta', words)).toMatchObject({ action: 'start' });
    expect(consentKeyword('alta')).toBeNull();
  });

  it('normalizes and confirms in plain words', () => {
    expect(normalizeKeyword(' ¡Baja!  ')).toBe('BAJA');
    expect(confirmationText('stop', 'Bakery')).toContain('Reply START');
    expect(confirmationText('start', 'Bakery')).toContain('Reply STOP');
  });
});
