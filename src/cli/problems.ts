// `tf-study-bot problems [--json]`: the exam problem catalog, as the grader applies it.
import { parseArgs } from 'node:util';
import { problemCatalog } from '../../problems/index.ts';
import { formatShape } from '../grading/compatibility.ts';
import { baselineScores } from '../grading/baselines.ts';
import { boundText, formatMetric, metricNames, thresholdTable } from '../grading/scoring.ts';

export function problemsAsJson() {
  return problemCatalog.map((problem) => ({
    id: problem.id,
    category: problem.category,
    title: problem.title,
    weight: problem.weight,
    dataset: problem.dataset,
    input: problem.input,
    output: problem.output,
    preprocessing: problem.preprocessing,
    scoring: problem.scoring,
    thresholds: thresholdTable(problem),
    baselines: baselineScores(problem, thresholdTable(problem)),
    dataLink: problem.dataLink,
  }));
}

export function formatProblemTable(): string {
  const rows = problemCatalog.map((problem) => {
    const table = thresholdTable(problem);
    const bound = (row: (typeof table.rows)[number]) => boundText(table, row.value);
    return [
      problem.id,
      String(problem.category),
      `${metricNames[table.metric]} ${bound(table.rows[0])}`,
      bound(table.rows[table.rows.length - 1]),
      baselineScores(problem, table)
        .map((baseline) => `${baseline.id} ${formatMetric(table.metric, baseline.value)} (${baseline.points})`)
        .join(', '),
      [problem.input.shape, ...(problem.input.alternativeShapes ?? [])].map((shape) => formatShape([null, ...shape])).join(' or '),
      problem.title,
    ];
  });
  const header = ['id', 'cat', '5 points', '1 point', 'baselines (points)', 'model input', 'title'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ');
  const rules = problemCatalog.map((problem) => `${problem.id}: ${thresholdTable(problem).rule}`);
  return [line(header), ...rows.map(line), '', ...rules].join('\n');
}

export const problemsCommand = {
  describe: 'list the exam problems the grader knows',
  async run(args: string[]): Promise<number> {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
    console.log(values.json ? JSON.stringify(problemsAsJson()) : formatProblemTable());
    return 0;
  },
};
