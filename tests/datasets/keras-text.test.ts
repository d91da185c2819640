import { describe, expect, it } from 'vitest';
import { KerasTokenizer, padSequences, textToWordSequence } from '../../src/datasets/keras-text.ts';

describe('textToWordSequence', () => {
  it('lower-cases, turns the default filters into separators and drops empty words', () => {
    expect(textToWordSequence("Hello,World!  It's (OK)")).toEqual(['hello', 'world', "it's", 'ok']);
    expect(textToWordSequence('a\tb\nc--d')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps case and punctuation when asked', () => {
    expect(textToWordSequence('Hi, You', { lower: false, filters: '' })).toEqual(['Hi,', 'You']);
  });
});

describe('KerasTokenizer', () => {
  const texts = ['The cat sat.', 'The dog sat on the mat!', 'A cat'];

  it('ranks words by count, ties in first-seen order, OOV at index 1', () => {
    const tokenizer = new KerasTokenizer({ numWords: 5, oovToken: '<OOV>' });
    tokenizer.fitOnTexts(texts);
    expect([...tokenizer.wordIndex.entries()]).toEqual([
      ['<OOV>', 1],
      ['the', 2],
      ['cat', 3],
      ['sat', 4],
      ['dog', 5],
      ['on', 6],
      ['mat', 7],
      ['a', 8],
    ]);
    expect(tokenizer.wordCounts.get('the')).toBe(3);
    expect(tokenizer.documentCount).toBe(3);
  });

  it('maps ids >= num_words and unknown words to the OOV id', () => {
    const tokenizer = new KerasTokenizer({ numWords: 5, oovToken: '<OOV>' });
    tokenizer.fitOnTexts(texts);
    expect(tokenizer.textsToSequences(['the dog sat on a mat', 'unknown cat'])).toEqual([
      [2, 1, 4, 1, 1, 1],
      [1, 3],
    ]);
  });

  it('drops ids >= num_words and unknown words without an OOV token', () => {
    const tokenizer = new KerasTokenizer({ numWords: 5 });
    tokenizer.fitOnTexts(texts);
    expect(tokenizer.wordIndex.get('the')).toBe(1);
    expect(tokenizer.wordIndex.get('a')).toBe(7);
    expect(tokenizer.textsToSequences(['the dog sat on a mat', 'unknown cat'])).toEqual([[1, 4, 3], [2]]);
  });

  it('ranks by the final count, not by when a word first appeared', () => {
    const tokenizer = new KerasTokenizer();
    tokenizer.fitOnTexts(['b a', 'a c', 'c c']);
    // counts: b 1, a 2, c 3
    expect([...tokenizer.wordIndex.entries()]).toEqual([
      ['c', 1],
      ['a', 2],
      ['b', 3],
    ]);
  });

  it('label tokenizer: single-word categories get 1..n by frequency', () => {
    const tokenizer = new KerasTokenizer();
    tokenizer.fitOnTexts(['tech', 'sport', 'sport', 'business', 'tech', 'sport']);
    expect(tokenizer.wordIndex.get('sport')).toBe(1);
    expect(tokenizer.wordIndex.get('tech')).toBe(2);
    expect(tokenizer.wordIndex.get('business')).toBe(3);
  });
});

describe('padSequences', () => {
  const sequences = [[1, 2, 3], [4, 5], []];

  it('defaults to pre padding, pre truncating, value 0, maxlen = longest', () => {
    expect(padSequences(sequences)).toEqual([
      [1, 2, 3],
      [0, 4, 5],
      [0, 0, 0],
    ]);
    expect(padSequences(sequences, { maxlen: 2 })).toEqual([
      [2, 3],
      [4, 5],
      [0, 0],
    ]);
  });

  it('pads and truncates after the sequence with post', () => {
    expect(padSequences(sequences, { maxlen: 4, padding: 'post', truncating: 'post' })).toEqual([
      [1, 2, 3, 0],
      [4, 5, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(padSequences(sequences, { maxlen: 2, padding: 'post', truncating: 'post' })).toEqual([
      [1, 2],
      [4, 5],
      [0, 0],
    ]);
  });

  it('mixes pre padding with post truncating and a custom value', () => {
    expect(padSequences(sequences, { maxlen: 2, padding: 'pre', truncating: 'post', value: -1 })).toEqual([
      [1, 2],
      [4, 5],
      [-1, -1],
    ]);
    expect(padSequences([[7]], { maxlen: 3, value: 9 })).toEqual([[9, 9, 7]]);
  });

  it('rejects a negative maxlen', () => {
    expect(() => padSequences(sequences, { maxlen: -1 })).toThrow(/maxlen/);
  });
});
