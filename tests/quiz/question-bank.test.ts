// The quiz question rules, the same for the built-in bank and a server's bank file: every problem is
// reported at once, with the file, the line and the question's id.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BANK_MAX_QUESTIONS, checkBankFile, CSV_COLUMNS, loadQuestionBank } from '../../src/quiz/question-bank.ts';
import { KnowledgeBaseError, loadKnowledgeBase, type Skill } from '../../src/tips/knowledge-base.ts';

let skills: Skill[];
let dir: string;
beforeAll(async () => {
  ({ skills } = await loadKnowledgeBase());
  dir = await mkdtemp(path.join(tmpdir(), 'tsb-quiz-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Checks `source` as the bank file `name` a server would bring. */
const check = (source: string | Uint8Array, name: string, bankSkills: Skill[]) =>
  checkBankFile({ name, bytes: typeof source === 'string' ? new TextEncoder().encode(source) : source }, bankSkills);

/** One question in the bank's YAML format, with fields replaced by `overrides`. */
function entry(id: string, overrides: Record<string, string> = {}): string {
  const fields: Record<string, string> = {
    topic: 'fundamentals',
    skill: 'fundamentals.build-compile-train',
    difficulty: 'medium',
    question: 'Integer labels 0-9 and a softmax over 10 units: which loss?',
    choices: '\n    - sparse_categorical_crossentropy\n    - categorical_crossentropy\n    - mean_squared_error',
    answer: 'sparse_categorical_crossentropy',
    explanation: 'Integer labels need the sparse loss; the categorical one wants one-hot rows and MSE is for regression.',
    reference: 'https://www.tensorflow.org/api_docs/python/tf/keras/losses/SparseCategoricalCrossentropy',
    ...overrides,
  };
  // Scalars are written as JSON strings (valid YAML); the choices stay a YAML block list.
  const yaml = (key: string, value: string) => (key === 'choices' ? value : JSON.stringify(value));
  return [`- id: ${id}`, ...Object.entries(fields).map(([key, value]) => `  ${key}: ${yaml(key, value)}`)].join('\n');
}

describe('a question bank file', () => {
  it('is accepted when every question follows the rules', () => {
    const checked = check([entry('loss-a'), entry('loss-b', { difficulty: 'hard' })].join('\n'), 'bank.yaml', skills);
    expect(checked.ok && checked.value.map((q) => [q.id, q.difficulty, q.source])).toEqual([
      ['loss-a', 'medium', 'bank.yaml line 1'],
      ['loss-b', 'hard', 'bank.yaml line 13'],
    ]);
  });

  it('reports every broken question with its file, line and id, and keeps none', () => {
    const source = [
      entry('good-one'),
      entry('good-one'),
      entry('unknown-skill', { skill: 'fundamentals.juggling' }),
      entry('answer-missing', { answer: 'binary_crossentropy' }),
      entry('same-choices', { choices: '\n    - Adam\n    - adam\n    - SGD', answer: 'SGD' }),
      entry('long-choice', { choices: `\n    - ${'x'.repeat(81)}\n    - short`, answer: 'short' }),
      entry('six-choices', { choices: '\n    - a\n    - b\n    - c\n    - d\n    - e\n    - f', answer: 'a' }),
      entry('long-question', { question: 'q'.repeat(1501) }),
      entry('elsewhere', { reference: 'https://example.com/keras' }),
      entry('pings', { explanation: 'Ask @everyone: integer labels need the sparse loss, one-hot rows need the other one.' }),
      entry('Bad_Id'),
      entry('wrong-topic', { skill: 'nlp.text-preparation' }),
      entry('linked', { question: 'See https://evil.example/x before you pick: which loss fits integer labels?' }),
      entry('masked-reference', { reference: 'https://keras.io/x [Keras docs](https://evil.example)' }),
    ].join('\n');
    // The line each entry starts on, as the messages give it.
    const starts = source.split('\n').flatMap((line, index) => (line.startsWith('- id: ') ? [index + 1] : []));
    const at = (entryNumber: number, id: string) => `bank.yaml line ${starts[entryNumber - 1]}, entry #${entryNumber} "${id}"`;
    const checked = check(source, 'bank.yaml', skills);
    expect(checked.ok).toBe(false);
    const problems = checked.ok ? [] : checked.reason;
    const expectations: Array<[string, RegExp]> = [
      [at(2, 'good-one'), /duplicate question id "good-one", already used in bank.yaml line 1/],
      [at(3, 'unknown-skill'), /skill "fundamentals.juggling" is not in skills.yaml/],
      [at(4, 'answer-missing'), /the answer "binary_crossentropy" is not one of the choices/],
      [at(5, 'same-choices'), /choices 1 and 2 are the same \("adam"\)/],
      [at(6, 'long-choice'), /field "choices.0" is over 80 characters \(a Discord button label\)/],
      [at(7, 'six-choices'), /field "choices" must hold at most 5 choices/],
      [at(8, 'long-question'), /field "question" is over 1500 characters/],
      [at(9, 'elsewhere'), /the reference must be an https page on tensorflow.org or keras.io, not https:\/\/example.com/],
      [at(10, 'pings'), /The explanation contains "@everyone"; mass mentions are not allowed/],
      [at(11, 'Bad_Id'), /field "id" must be kebab-case/],
      [at(12, 'wrong-topic'), /skill "nlp.text-preparation" belongs to topic "nlp", but the question's topic is "fundamentals"/],
      [at(13, 'linked'), /the question holds a link; links go in "reference"/],
      [at(14, 'masked-reference'), /the reference must be one URL of at most 300 characters, without spaces or brackets/],
    ];
    for (const [where, problem] of expectations) {
      expect(problems.some((line) => line.startsWith(`${where}: `) && problem.test(line)), `${where} ${problem}`).toBe(true);
    }
    // Exactly one problem for each broken entry: none for the good first one.
    expect(problems.filter((line) => line.startsWith(`${at(1, 'good-one')}:`))).toEqual([]);
    expect(problems).toHaveLength(expectations.length);
  });

  it('reads JSON too, and says so when the file is no list', () => {
    const json = JSON.stringify([
      {
        id: 'json-question',
        topic: 'nlp',
        skill: 'nlp.text-preparation',
        difficulty: 'easy',
        question: 'Which index does pad_sequences use for padding?',
        choices: ['0', '1'],
        answer: '0',
        explanation: 'Index 0 is reserved for padding; real words start at 1 (the OOV token takes 1).',
        reference: 'https://www.tensorflow.org/api_docs/python/tf/keras/utils/pad_sequences',
      },
    ]);
    expect(check(json, 'bank.json', skills).ok).toBe(true);
    expect(check('question: one', 'bank.yaml', skills)).toEqual({
      ok: false,
      reason: ['bank.yaml: the file should hold a list of entries (each starting with "- "), not a single value or mapping.'],
    });
  });
});

describe('the bank in a knowledge directory', () => {
  it('refuses an id used in two files, naming both', async () => {
    await mkdir(path.join(dir, 'quiz'), { recursive: true });
    await writeFile(path.join(dir, 'quiz', 'a.yaml'), entry('shared-id'));
    await writeFile(path.join(dir, 'quiz', 'b.yaml'), `# comment\n${entry('shared-id')}`);
    const error = await loadQuestionBank(skills, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KnowledgeBaseError);
    expect((error as KnowledgeBaseError).problems).toEqual(['quiz/b.yaml line 2, entry #1 "shared-id": duplicate question id "shared-id", already used in quiz/a.yaml line 1.']);
  });
});

describe('a CSV bank file', () => {
  const header = CSV_COLUMNS.join(',');
  const row = (id: string, cells: Partial<Record<(typeof CSV_COLUMNS)[number], string>> = {}) => {
    const values: Record<string, string> = {
      id,
      topic: 'time-series',
      skill: 'time-series.windows',
      difficulty: 'easy',
      question: 'A window of 30 values predicts the next one. What shape does one input sample have, with the feature axis?',
      choice1: '(30, 1)',
      choice2: '(1, 30)',
      choice3: '(31,)',
      choice4: '',
      choice5: '',
      answer: '(30, 1)',
      explanation: 'Thirty time steps of one feature: (30, 1). (1, 30) is one step of 30 features, and 31 counts the label too.',
      reference: 'https://www.tensorflow.org/tutorials/structured_data/time_series',
      ...cells,
    };
    return CSV_COLUMNS.map((name) => `"${values[name].replaceAll('"', '""')}"`).join(',');
  };

  it('reads its columns in any order, a question over two lines, and empty extra choices', () => {
    const csv = [header, row('window-shape'), row('two-lines', { question: 'A window of 30 values:\nwhat shape is one sample?' })].join('\r\n');
    const checked = check(csv, 'bank.csv', skills);
    expect(checked.ok && checked.value.map((q) => [q.id, q.choices.length, q.source])).toEqual([
      ['window-shape', 3, 'bank.csv line 2'],
      ['two-lines', 3, 'bank.csv line 3'],
    ]);
  });

  it('names the line of every bad row and keeps nothing', () => {
    const csv = [header, row('fine'), row('no-answer', { answer: '(None, 30)' }), row('question-over-lines', { question: 'one\ntwo\nthree' }), row('bad-skill', { skill: 'time-series.juggling' })].join('\n');
    const checked = check(csv, 'bank.csv', skills);
    expect(checked.ok ? [] : checked.reason).toEqual([
      'bank.csv line 3, entry #2 "no-answer": the answer "(None, 30)" is not one of the choices (it must be equal to one, character for character).',
      'bank.csv line 7, entry #4 "bad-skill": skill "time-series.juggling" is not in skills.yaml.',
    ]);
  });

  it('keeps a cell that starts like a spreadsheet formula as text', () => {
    const csv = [header, row('formula-cells', { choice3: '=HYPERLINK("x")', choice4: '-1', choice5: '+SUM(A1)' })].join('\n');
    const checked = check(csv, 'bank.csv', skills);
    expect(checked.ok && checked.value[0].choices).toEqual(['(30, 1)', '(1, 30)', '=HYPERLINK("x")', '-1', '+SUM(A1)']);
  });

  it('says which columns are wrong', () => {
    const checked = check(`id,topic,skil,question\n${row('x')}`, 'bank.csv', skills);
    expect(checked.ok ? '' : checked.reason[0]).toMatch(/^bank.csv line 1: unknown column "skil"; missing columns "skill", "difficulty", "choice1"/);
  });
});

describe('a bank file refused before it is read', () => {
  it('refuses another extension, more than 1 MB, text that is not UTF-8, and more than 1,000 questions', () => {
    expect(check('x', 'bank.xlsx', skills)).toEqual({ ok: false, reason: ['bank.xlsx: a question bank is a .yaml, .json or .csv file, not a .xlsx file.'] });
    expect(check(new Uint8Array(1024 * 1024 + 1), 'bank.yaml', skills)).toEqual({ ok: false, reason: ['bank.yaml: the file is 1.0 MB; a bank file may be at most 1 MB.'] });
    expect(check(new Uint8Array([0x69, 0x64, 0x3a, 0xff, 0xfe]), 'bank.csv', skills)).toEqual({
      ok: false,
      reason: ['bank.csv: the file is not UTF-8 text; save it as UTF-8 (in a spreadsheet: "CSV UTF-8").'],
    });
    const many = Array.from({ length: BANK_MAX_QUESTIONS + 1 }, (_, i) => `- id: q-${i}`).join('\n');
    expect(check(many, 'bank.yaml', skills)).toEqual({ ok: false, reason: ['bank.yaml: the file holds 1001 questions; a bank may hold at most 1000.'] });
  });

  it('reads a file that starts with a byte order mark', () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(entry('with-bom'))]);
    expect(check(bom, 'bank.yaml', skills).ok).toBe(true);
  });
});
