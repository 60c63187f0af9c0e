/** Near words (src/core/similar.ts): the launcher's "a lone word one edit away from a command is ours", and "did you mean". */
import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, nearest, oneEditAway } from '../../src/core/similar.js';

describe('oneEditAway', () => {
  it.each([
    ['stauts', 'status'],
    ['sceduhle', 'schedule'],
    ['claer', 'clear'],
    ['staus', 'status'],
    ['clears', 'clear'],
    ['cler', 'clear'],
    ['slear', 'clear'],
  ])('%s is one edit from %s', (word, target) => expect(oneEditAway(word, target)).toBe(true));

  it.each([
    ['status', 'status'],
    ['statistics', 'status'],
    ['file', 'clear'],
    ['sceduhel', 'schedule'],
  ])('%s is not one edit from %s', (word, target) => expect(oneEditAway(word, target)).toBe(false));
});

describe('nearest and didYouMean', () => {
  const commands = ['clear', 'set', 'schedule', 'status', 'simulate', 'journal', 'config', 'completion'];
  it('names the nearest commands, and nothing for a word like none of them', () => {
    expect(nearest('sttaus', commands)).toEqual(['status']);
    expect(nearest('sceduhle', commands)).toEqual(['schedule']);
    expect(didYouMean('sttaus', commands)).toBe(' (did you mean status?)');
    expect(didYouMean('nonsense', commands)).toBe('');
    expect(editDistance('stauts', 'status')).toBe(1);
  });
});
