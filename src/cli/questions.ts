// `tf-study-bot questions [--json]`: the built-in quiz bank, one line per question, then how many
// questions each skill has per difficulty. `tf-study-bot questions --check FILE`: checks a bank
// file a server would import, by the same rules, and prints every problem with its line.
import { parseArgs } from 'node:util';
import { checkBankFileAt, CSV_COLUMNS, DIFFICULTIES, loadQuestionBank, questionCounts, type Question } from '../quiz/question-bank.ts';
import { loadKnowledgeBase, type Skill } from '../tips/knowledge-base.ts';
import { EXIT } from './exit-codes.ts';

export const questionsUsage = [
  'usage: tf-study-bot questions [--json]',
  '       tf-study-bot questions --check FILE',
  '',
  'Lists the built-in quiz questions (id, topic, skill, difficulty) and how many each skill has.',
  '--check FILE checks a question bank file (YAML or JSON in the format of knowledge/quiz/*.yaml, or',
  `CSV with the columns ${CSV_COLUMNS.join(',')}; at most 1 MB and 1,000 questions)`,
  'and prints every problem with its line number.',
  '',
  `exit codes: ${EXIT.ok} listed or valid, ${EXIT.misuse} the file has problems (or misuse), ${EXIT.failure} the built-in bank cannot be read`,
].join('\n');

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  '));
}

export function formatQuestionList(questions: Question[], skills: Skill[]): string {
  const lines = table([['id', 'topic', 'skill', 'difficulty'], ...questions.map((q) => [q.id, q.topic, q.skill, q.difficulty])]);
  const counts = questionCounts(questions, skills);
  const totals = DIFFICULTIES.map((difficulty) => `${difficulty} ${questions.filter((q) => q.difficulty === difficulty).length}`).join(', ');
  return [
    ...lines,
    '',
    ...table([['skill', ...DIFFICULTIES, 'total'], ...counts.map((row) => [row.skill, ...DIFFICULTIES.map((d) => String(row[d])), String(row.total)])]),
    '',
    `${questions.length} questions (${totals}) over ${counts.filter((row) => row.total > 0).length} of ${skills.length} skills`,
  ].join('\n');
}

export const questionsCommand = {
  describe: 'list the quiz questions, or check a question bank file',
  usage: questionsUsage,
  async run(args: string[]): Promise<number> {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false }, check: { type: 'string' } }, strict: true });
    const { skills } = await loadKnowledgeBase();
    if (values.check !== undefined) {
      const checked = await checkBankFileAt(values.check, skills);
      if (!checked.ok) {
        for (const problem of checked.reason) console.log(problem);
        console.log(`${checked.reason.length} problem${checked.reason.length === 1 ? '' : 's'}: nothing in this file can be imported until they are fixed.`);
        return EXIT.misuse;
      }
      console.log(`${checked.value.length} question${checked.value.length === 1 ? '' : 's'}, all valid.`);
      return EXIT.ok;
    }
    const bank = await loadQuestionBank(skills);
    if (values.json) {
      console.log(
        JSON.stringify({
          questions: bank.questions.map(({ id, topic, skill, difficulty }) => ({ id, topic, skill, difficulty })),
          counts: questionCounts(bank.questions, skills),
        }),
      );
    } else {
      console.log(formatQuestionList(bank.questions, skills));
    }
    return EXIT.ok;
  },
};
