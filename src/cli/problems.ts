// `tf-study-bot problems [--json]`: the exam problem catalog, as the grader applies it.
import { parseArgs } from 'node:util';
import { problemCatalog } from '../../problems/index.ts';
import { formatShape } from '../grading/compatibility.ts';
import { formatMetric, metricNames, pointTable } from '../grading/scoring.ts';

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
    metric: problem.metric,
    pointTable: pointTable(problem.metric),
    dataLink: problem.dataLink,
  }));
}

export function formatProblemTable(): string {
  const rows = problemCatalog.map((problem) => {
    const comparison = problem.metric.kind === 'accuracy' ? '>=' : '<=';
    return [
      problem.id,
      String(problem.category),
      `${metricNames[problem.metric.kind]} ${comparison} ${formatMetric(problem.metric.kind, problem.metric.threshold)}`,
      [problem.input.shape, ...(problem.input.alternativeShapes ?? [])].map((shape) => formatShape([null, ...shape])).join(' or '),
      problem.title,
    ];
  });
  const header = ['id', 'cat', 'full marks', 'model input', 'title'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

export const problemsCommand = {
  describe: 'list the exam problems the grader knows',
  async run(args: string[]): Promise<number> {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
    console.log(values.json ? JSON.stringify(problemsAsJson()) : formatProblemTable());
    return 0;
  },
};
