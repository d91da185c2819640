// Keras text preprocessing (keras.preprocessing.text.Tokenizer and
// keras.preprocessing.sequence.pad_sequences), reproduced exactly: exam models were trained on
// these token ids, so any difference in ranking or filtering scores a good model badly.

/** Keras' default `filters`: every character here becomes a separator. */
const KERAS_DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n';

export interface TokenizerOptions {
  /** Only ids below num_words are kept (0 or undefined: no limit), as in Keras. */
  numWords?: number;
  filters?: string;
  lower?: boolean;
  split?: string;
  oovToken?: string;
}

/** keras.preprocessing.text.text_to_word_sequence */
export function textToWordSequence(
  text: string,
  options: { filters?: string; lower?: boolean; split?: string } = {},
): string[] {
  const filters = options.filters ?? KERAS_DEFAULT_FILTERS;
  const lower = options.lower ?? true;
  const split = options.split ?? ' ';
  let source = lower ? text.toLowerCase() : text;
  if (filters.length > 0) {
    const filterSet = new Set(filters);
    let translated = '';
    for (const char of source) translated += filterSet.has(char) ? split : char;
    source = translated;
  }
  return source.split(split).filter((word) => word.length > 0);
}

export class KerasTokenizer {
  readonly numWords: number | undefined;
  readonly filters: string;
  readonly lower: boolean;
  readonly split: string;
  readonly oovToken: string | undefined;
  /** Word -> count, in first-seen order (Python's OrderedDict). */
  readonly wordCounts = new Map<string, number>();
  /** Word -> id, ids from 1; the OOV token (when set) is 1. */
  wordIndex = new Map<string, number>();
  documentCount = 0;

  constructor(options: TokenizerOptions = {}) {
    this.numWords = options.numWords;
    this.filters = options.filters ?? KERAS_DEFAULT_FILTERS;
    this.lower = options.lower ?? true;
    this.split = options.split ?? ' ';
    this.oovToken = options.oovToken;
  }

  private words(text: string): string[] {
    return textToWordSequence(text, { filters: this.filters, lower: this.lower, split: this.split });
  }

  fitOnTexts(texts: Iterable<string>): void {
    for (const text of texts) {
      this.documentCount++;
      for (const word of this.words(text)) this.wordCounts.set(word, (this.wordCounts.get(word) ?? 0) + 1);
    }
    // Keras sorts (word, count) pairs by count, descending, with Python's stable sort: equal counts
    // keep their first-seen order. Array.prototype.sort is stable too.
    const ranked = [...this.wordCounts.entries()].sort((a, b) => b[1] - a[1]).map(([word]) => word);
    const vocabulary = this.oovToken === undefined ? ranked : [this.oovToken, ...ranked];
    // dict(zip(vocabulary, range(1, n + 1))): a repeated key keeps its last id, as in Python.
    const index = new Map<string, number>();
    vocabulary.forEach((word, i) => index.set(word, i + 1));
    this.wordIndex = index;
  }

  textsToSequences(texts: Iterable<string>): number[][] {
    const limit = this.numWords || undefined;
    const oovIndex = this.oovToken === undefined ? undefined : this.wordIndex.get(this.oovToken);
    const sequences: number[][] = [];
    for (const text of texts) {
      const sequence: number[] = [];
      for (const word of this.words(text)) {
        const id = this.wordIndex.get(word);
        if (id !== undefined) {
          if (limit !== undefined && id >= limit) {
            if (oovIndex !== undefined) sequence.push(oovIndex);
          } else {
            sequence.push(id);
          }
        } else if (this.oovToken !== undefined && oovIndex !== undefined) {
          sequence.push(oovIndex);
        }
      }
      sequences.push(sequence);
    }
    return sequences;
  }
}

export interface PadSequencesOptions {
  /** Length of every row; default the longest sequence. */
  maxlen?: number;
  /** Where the padding goes; Keras' default is 'pre'. */
  padding?: 'pre' | 'post';
  /** Which end is cut off when a sequence is longer than maxlen; Keras' default is 'pre'. */
  truncating?: 'pre' | 'post';
  /** Padding value; default 0. */
  value?: number;
}

/** keras.preprocessing.sequence.pad_sequences for 1-D sequences. */
export function padSequences(sequences: number[][], options: PadSequencesOptions = {}): number[][] {
  const padding = options.padding ?? 'pre';
  const truncating = options.truncating ?? 'pre';
  const value = options.value ?? 0;
  const maxlen = options.maxlen ?? sequences.reduce((longest, s) => Math.max(longest, s.length), 0);
  if (!Number.isInteger(maxlen) || maxlen < 0) throw new RangeError(`maxlen must be a whole number >= 0, got ${maxlen}`);
  return sequences.map((sequence) => {
    const row = new Array<number>(maxlen).fill(value);
    if (sequence.length === 0 || maxlen === 0) return row;
    const kept = truncating === 'pre' ? sequence.slice(-maxlen) : sequence.slice(0, maxlen);
    const offset = padding === 'post' ? 0 : maxlen - kept.length;
    for (let i = 0; i < kept.length; i++) row[offset + i] = kept[i];
    return row;
  });
}
