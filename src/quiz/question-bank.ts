// The quiz's multiple-choice questions: the built-in bank in knowledge/quiz/<topic>.yaml, and any
// bank file a server brings, read and checked by the same rules. Like the tips, every problem is
// reported at once, each naming the file, the line and the question's id.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parseCsvRows } from '../io/csv.ts';
import { z } from 'zod';
import { describeIssues, idOf, parseYamlList, readYamlList, where, type ParsedFile } from '../io/yaml-list.ts';
import { ok, refused, type Result } from '../result.ts';
import { DEFAULT_KNOWLEDGE_DIR, isTopicId, KnowledgeBaseError, TOPIC_IDS, type Skill, type TopicId } from '../tips/knowledge-base.ts';
import { sharedTextProblems } from '../tips/tip-text.ts';

export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

/**
 * Discord's limits shape these: a choice is a button label (80 characters at most), a question is
 * posted as an embed description, the explanation is an ephemeral reply next to the reference.
 */
export const QUESTION_LIMITS = {
  id: 60,
  question: 1500,
  minChoices: 2,
  maxChoices: 5,
  choice: 80,
  explanationMin: 40,
  explanation: 900,
  reference: 300,
} as const;

/** The sites a reference may point at: the documentation the exam is built on. */
const REFERENCE_HOSTS = new Set(['www.tensorflow.org', 'tensorflow.org', 'keras.io']);

export type Question = {
  id: string;
  topic: TopicId;
  skill: string;
  difficulty: Difficulty;
  /** May hold one short Keras snippet in a ```python fence. */
  question: string;
  choices: string[];
  /** Equal to one of the choices. */
  answer: string;
  explanation: string;
  reference: string;
  /** Where it came from, for messages: "quiz/nlp.yaml line 12". */
  source: string;
};

export type QuestionBank = {
  questions: Question[];
  questionById(id: string): Question | undefined;
};

const KEBAB_CASE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const URL_IN_TEXT = /\bhttps?:\/\//i;

const text = z.string({
  error: (issue) => (issue.input === undefined || issue.input === null ? 'is missing' : 'must be text'),
});

const questionSchema = z.strictObject({
  id: text
    .min(3, 'must be at least 3 characters')
    .max(QUESTION_LIMITS.id, `must be at most ${QUESTION_LIMITS.id} characters`)
    .regex(KEBAB_CASE, 'must be kebab-case (lowercase letters, digits and single hyphens)'),
  topic: text,
  skill: text,
  difficulty: z.enum(DIFFICULTIES, { error: `must be one of ${DIFFICULTIES.join(', ')}` }),
  question: text.trim().min(1, 'is empty').max(QUESTION_LIMITS.question, `is over ${QUESTION_LIMITS.question} characters`),
  choices: z
    .array(text.trim().min(1, 'is empty').max(QUESTION_LIMITS.choice, `is over ${QUESTION_LIMITS.choice} characters (a Discord button label)`), {
      error: 'must be a list',
    })
    .min(QUESTION_LIMITS.minChoices, `must hold at least ${QUESTION_LIMITS.minChoices} choices`)
    .max(QUESTION_LIMITS.maxChoices, `must hold at most ${QUESTION_LIMITS.maxChoices} choices (Discord buttons in a row)`),
  answer: text.trim(),
  explanation: text
    .trim()
    .min(QUESTION_LIMITS.explanationMin, `is under ${QUESTION_LIMITS.explanationMin} characters: say why the answer is right and the others wrong`)
    .max(QUESTION_LIMITS.explanation, `is over ${QUESTION_LIMITS.explanation} characters`),
  reference: text.trim(),
});

/** Problems of one entry beyond its shape: skill, answer, choices, reference, text rules. */
function entryProblems(entry: z.infer<typeof questionSchema>, skillById: Map<string, Skill>): string[] {
  const problems: string[] = [];
  if (!isTopicId(entry.topic)) problems.push(`unknown topic "${entry.topic}"; the topics are ${TOPIC_IDS.join(', ')}.`);
  const skill = skillById.get(entry.skill);
  if (!skill) problems.push(`skill "${entry.skill}" is not in skills.yaml.`);
  else if (isTopicId(entry.topic) && skill.topic !== entry.topic) {
    problems.push(`skill "${entry.skill}" belongs to topic "${skill.topic}", but the question's topic is "${entry.topic}".`);
  }
  const seen = new Map<string, number>();
  entry.choices.forEach((choice, index) => {
    const key = choice.trim().toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) problems.push(`choices ${earlier + 1} and ${index + 1} are the same ("${choice.trim()}").`);
    else seen.set(key, index);
    if (URL_IN_TEXT.test(choice)) problems.push(`choice ${index + 1} holds a link; links go in "reference".`);
    problems.push(...sharedTextProblems(`Choice ${index + 1}`, choice));
  });
  if (!entry.choices.some((choice) => choice.trim() === entry.answer)) {
    problems.push(`the answer "${entry.answer}" is not one of the choices (it must be equal to one, character for character).`);
  }
  problems.push(...sharedTextProblems('The question', entry.question), ...sharedTextProblems('The explanation', entry.explanation));
  // The reference below is the one link a question carries, and it is checked.
  if (URL_IN_TEXT.test(entry.question)) problems.push('the question holds a link; links go in "reference".');
  if (URL_IN_TEXT.test(entry.explanation)) problems.push('the explanation holds a link; links go in "reference".');
  let reference: URL | undefined;
  try {
    reference = new URL(entry.reference);
  } catch {
    problems.push(`the reference "${entry.reference}" is not a URL.`);
  }
  if (reference && (reference.protocol !== 'https:' || !REFERENCE_HOSTS.has(reference.hostname))) {
    problems.push(`the reference must be an https page on tensorflow.org or keras.io, not ${reference.origin}.`);
  } else if (reference && (entry.reference.length > QUESTION_LIMITS.reference || /[\s[\]()<>]/.test(entry.reference))) {
    // Shown as a link on its own: no spaces or brackets that would make it a masked link.
    problems.push(`the reference must be one URL of at most ${QUESTION_LIMITS.reference} characters, without spaces or brackets.`);
  }
  return problems;
}

/**
 * The questions of one parsed file; problems go to `problems`, and ids already used (in this file
 * or an earlier one) are refused.
 */
function questionsOf(parsed: ParsedFile, file: string, skills: Skill[], firstSeen: Map<string, string>, problems: string[]): Question[] {
  if (!parsed) return [];
  const skillById = new Map(skills.map((skill) => [skill.id, skill]));
  const questions: Question[] = [];
  parsed.items.forEach(({ value, line }, index) => {
    const label = where(file, index, line, idOf(value));
    const id = idOf(value);
    if (typeof id === 'string' && id !== '') {
      const earlier = firstSeen.get(id);
      if (earlier !== undefined) problems.push(`${label}: duplicate question id "${id}", already used in ${earlier}.`);
      else firstSeen.set(id, `${file}${line === undefined ? '' : ` line ${line}`}`);
    }
    const result = questionSchema.safeParse(value);
    if (!result.success) {
      for (const issue of describeIssues(result.error)) problems.push(`${label}: ${issue}.`);
      return;
    }
    const found = entryProblems(result.data, skillById);
    if (found.length > 0) {
      for (const problem of found) problems.push(`${label}: ${problem}`);
      return;
    }
    const entry = result.data;
    questions.push({
      ...entry,
      topic: entry.topic as TopicId,
      choices: entry.choices.map((choice) => choice.trim()),
      source: `${file}${line === undefined ? '' : ` line ${line}`}`,
    });
  });
  return questions;
}

/**
 * Reads and checks the built-in bank, knowledge/quiz/*.yaml, against the skills of the knowledge
 * base (it lives in the knowledge directory). Throws one KnowledgeBaseError listing every problem.
 */
export async function loadQuestionBank(skills: Skill[], dir: string = DEFAULT_KNOWLEDGE_DIR): Promise<QuestionBank> {
  const problems: string[] = [];
  let files: string[] = [];
  try {
    files = (await readdir(join(dir, 'quiz'))).filter((name) => /\.ya?ml$/i.test(name)).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(`quiz/: cannot be read (${code === 'ENOENT' ? 'directory not found' : String(error)}).`);
  }
  const firstSeen = new Map<string, string>();
  const questions: Question[] = [];
  for (const name of files) {
    const file = `quiz/${name}`;
    questions.push(...questionsOf(await readYamlList(dir, file, problems), file, skills, firstSeen, problems));
  }
  if (problems.length > 0) throw new KnowledgeBaseError(dir, problems);
  const byId = new Map(questions.map((question) => [question.id, question]));
  return { questions, questionById: (id) => byId.get(id) };
}

/** A bank file a server brings: at most this big, checked before it is decoded. */
export const BANK_FILE_MAX_BYTES = 1024 * 1024;
/** Questions a bank may hold. */
export const BANK_MAX_QUESTIONS = 1000;
/** The columns of a CSV bank, in any order; choice3..choice5 may be left empty. */
export const CSV_COLUMNS = ['id', 'topic', 'skill', 'difficulty', 'question', 'choice1', 'choice2', 'choice3', 'choice4', 'choice5', 'answer', 'explanation', 'reference'] as const;
const BANK_EXTENSIONS = ['.yaml', '.yml', '.json', '.csv'];

/**
 * A CSV bank as the entries a YAML bank would hold, each with its line. Cells are text: one that
 * starts with =, +, - or @ (a spreadsheet formula) is kept as the characters it is.
 */
function csvEntries(source: string, label: string, problems: string[]): ParsedFile {
  let rows: ReturnType<typeof parseCsvRows>;
  try {
    rows = parseCsvRows(source).filter((row) => row.fields.some((field) => field.trim() !== ''));
  } catch (error) {
    problems.push(`${label}: ${(error as Error).message}.`);
    return undefined;
  }
  const [header, ...body] = rows;
  if (!header) {
    problems.push(`${label}: the file is empty; the first row names the columns (${CSV_COLUMNS.join(',')}).`);
    return undefined;
  }
  const names = header.fields.map((name) => name.trim().toLowerCase());
  const unknown = names.filter((name) => !(CSV_COLUMNS as readonly string[]).includes(name));
  const missing = CSV_COLUMNS.filter((name) => !names.includes(name) && !['choice3', 'choice4', 'choice5'].includes(name));
  if (unknown.length > 0 || missing.length > 0) {
    const parts = [
      unknown.length > 0 ? `unknown column${unknown.length === 1 ? '' : 's'} ${unknown.map((n) => `"${n}"`).join(', ')}` : undefined,
      missing.length > 0 ? `missing column${missing.length === 1 ? '' : 's'} ${missing.map((n) => `"${n}"`).join(', ')}` : undefined,
    ].filter(Boolean);
    problems.push(`${label} line ${header.line}: ${parts.join('; ')}; the columns are ${CSV_COLUMNS.join(',')}.`);
    return undefined;
  }
  const items = body.map(({ line, fields }) => {
    const cell = (name: string) => fields[names.indexOf(name)] ?? '';
    const value: Record<string, unknown> = {};
    for (const name of ['id', 'topic', 'skill', 'difficulty', 'question', 'answer', 'explanation', 'reference']) value[name] = cell(name);
    value.choices = ['choice1', 'choice2', 'choice3', 'choice4', 'choice5'].map(cell).filter((choice) => choice.trim() !== '');
    return { value, line };
  });
  return { items };
}

/**
 * Checks a bank file a server brings (YAML, JSON or CSV, at most 1 MB of UTF-8, at most 1,000
 * questions) by the built-in bank's rules: every problem, or the questions when there is none.
 */
export function checkBankFile(file: { name: string; bytes: Uint8Array }, skills: Skill[]): Result<Question[], string[]> {
  const label = file.name;
  const extension = extname(file.name).toLowerCase();
  if (!BANK_EXTENSIONS.includes(extension)) {
    return refused([`${label}: a question bank is a .yaml, .json or .csv file, not ${extension ? `a ${extension} file` : 'a file without an extension'}.`]);
  }
  if (file.bytes.byteLength > BANK_FILE_MAX_BYTES) {
    return refused([`${label}: the file is ${(file.bytes.byteLength / 1024 / 1024).toFixed(1)} MB; a bank file may be at most 1 MB.`]);
  }
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(file.bytes);
  } catch {
    return refused([`${label}: the file is not UTF-8 text; save it as UTF-8 (in a spreadsheet: "CSV UTF-8").`]);
  }
  const problems: string[] = [];
  const parsed = extension === '.csv' ? csvEntries(source, label, problems) : parseYamlList(source, label, problems);
  if (parsed && parsed.items.length > BANK_MAX_QUESTIONS) {
    return refused([`${label}: the file holds ${parsed.items.length} questions; a bank may hold at most ${BANK_MAX_QUESTIONS}.`]);
  }
  const questions = questionsOf(parsed, label, skills, new Map(), problems);
  return problems.length > 0 ? refused(problems) : ok(questions);
}

/** Reads a bank file from disk and checks it (the command line's `questions --check`). */
export async function checkBankFileAt(path: string, skills: Skill[]): Promise<Result<Question[], string[]>> {
  const name = basename(path);
  let bytes: Uint8Array;
  try {
    const size = (await stat(path)).size;
    if (size > BANK_FILE_MAX_BYTES) return refused([`${name}: the file is ${(size / 1024 / 1024).toFixed(1)} MB; a bank file may be at most 1 MB.`]);
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return refused([`${name}: cannot be read (${code === 'ENOENT' ? 'file not found' : String(error)}).`]);
  }
  return checkBankFile({ name, bytes }, skills);
}

/** How many questions each skill has, per difficulty: the bank's coverage. */
export function questionCounts(questions: Question[], skills: Skill[]): Array<{ skill: string; topic: TopicId } & Record<Difficulty | 'total', number>> {
  return skills.map((skill) => {
    const mine = questions.filter((question) => question.skill === skill.id);
    const count = (difficulty: Difficulty) => mine.filter((question) => question.difficulty === difficulty).length;
    return { skill: skill.id, topic: skill.topic, easy: count('easy'), medium: count('medium'), hard: count('hard'), total: mine.length };
  });
}
