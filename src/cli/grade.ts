// `tf-study-bot grade --problem <id> <file> [more files] [--json]`: grades a model file the way
// /grade does, on this machine. Exit 0 when graded (any score), 3 when the model cannot be graded,
// 2 when the command is misused, 1 on an internal or environment error (see exit-codes.ts).
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { getProblem, problemCatalog } from '../../problems/index.ts';
import { loadConfig } from '../config.ts';
import { ModelRejectedError } from '../grading/errors.ts';
import { createGrader, type GradeResult } from '../grading/grader.ts';
import { formatShape } from '../grading/compatibility.ts';
import { formatMetric, pointMarks } from '../grading/scoring.ts';
import { fullMarksText, versusBaseline } from '../grading/result-text.ts';
import type { TfBackendName } from '../grading/tf-backend.ts';
import { EXIT } from './exit-codes.ts';

const BACKENDS: TfBackendName[] = ['tensorflow', 'wasm', 'cpu'];

export const gradeUsage = [
  'usage: tf-study-bot grade --problem <id> <file> [more files] [--json]',
  '',
  '  --problem, -p <id>   the problem to grade on (see `tf-study-bot problems`)',
  '  --json               print the result as one JSON object',
  '  --backend <name>     tfjs backend to try first: tensorflow, wasm or cpu',
  '  --timeout <seconds>  time limit for the model (default 120)',
  '  --verbose            log at LOG_LEVEL (default: warnings only) on stderr',
  '',
  'A TF.js model is given as model.json followed by its .bin files.',
  '',
  `exit codes: ${EXIT.ok} graded (any points), ${EXIT.ungradable} the model cannot be graded, ${EXIT.misuse} misuse, ${EXIT.failure} internal or environment error`,
].join('\n');

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

/** The human report: points, metric against the threshold, model, timings, backend, hint. */
export function formatGradeReport(result: GradeResult): string {
  const lines: string[] = [];
  lines.push(`${result.problem} · ${result.problemTitle}`);
  lines.push(`points    ${pointMarks(result.points, result.maxPoints)}`);
  lines.push(
    `${result.metricName.padEnd(9)} ${formatMetric(result.metric, result.value)}` +
      ` (${fullMarksText(result)}, over ${result.sampleCount.toLocaleString('en-US')} samples)`,
  );
  const versus = versusBaseline(result);
  if (versus) lines.push(`baseline  ${versus}`);
  if (result.message) lines.push(`warning   ${result.message}`);
  const details = result.details;
  if (details.kind === 'classification') {
    lines.push(`per class ${details.perClass.map((c) => `${c.name} ${percent(c.accuracy)}`).join(' · ')}`);
    if (details.unassignedPredictions > 0) lines.push(`          ${details.unassignedPredictions} predictions named no class`);
  } else if (details.kind === 'regression' || details.kind === 'time-series') {
    const r = details.residuals;
    lines.push(`residuals mean ${r.mean.toPrecision(3)} · RMSE ${r.rmse.toPrecision(3)} · max |error| ${r.maxAbs.toPrecision(3)}`);
  }
  const keras = result.kerasVersion ? ` (Keras ${result.kerasVersion})` : '';
  lines.push(
    `model     ${result.format}${keras}, input ${formatShape(result.model.inputShape)}, output ${formatShape(result.model.outputShape)}, ` +
      `${result.model.paramCount.toLocaleString('en-US')} parameters`,
  );
  for (const note of result.notes) lines.push(`note      ${note}`);
  const t = result.timings;
  lines.push(`timings   import ${ms(t.importMs)} · evaluate ${ms(t.evaluateMs)} · total ${ms(t.totalMs)} (backend ${result.backend})`);
  lines.push(`hint      ${result.hint}`);
  return lines.join('\n');
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      problem: { type: 'string', short: 'p' },
      json: { type: 'boolean', default: false },
      backend: { type: 'string' },
      timeout: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const fail = (message: string, code: number = EXIT.misuse) => {
    console.error(`tf-study-bot grade: ${message}`);
    return code;
  };
  if (!values.problem) return fail(`--problem is required\n\n${gradeUsage}`);
  const problem = getProblem(values.problem);
  if (!problem) return fail(`unknown problem "${values.problem}". Known problems: ${problemCatalog.map((p) => p.id).join(', ')}`);
  if (positionals.length === 0) return fail(`give the model file to grade\n\n${gradeUsage}`);
  if (values.backend !== undefined && !BACKENDS.includes(values.backend as TfBackendName)) {
    return fail(`--backend must be one of ${BACKENDS.join(', ')}`);
  }
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    const seconds = Number(values.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0) return fail('--timeout must be a number of seconds greater than 0');
    timeoutMs = Math.round(seconds * 1000);
  }
  for (const file of positionals) {
    const info = await stat(file).catch(() => undefined);
    if (!info) return fail(`no such file: ${file}`);
    if (!info.isFile()) return fail(`not a file: ${file}`);
  }

  const config = loadConfig();
  // Logs go to stderr so that --json output on stdout stays one JSON object.
  const level = values.verbose ? config.logLevel : config.logLevel === 'silent' || config.logLevel === 'fatal' || config.logLevel === 'error' ? config.logLevel : 'warn';
  const logger = pino({ level, base: { app: 'tf-study-bot' } }, pino.destination({ dest: 2, sync: true }));
  const grader = createGrader({
    catalog: problemCatalog,
    dataDir: config.dataDir,
    datasetMirror: config.datasetMirror,
    logger,
    workers: 1,
    ...(values.backend ? { backend: values.backend as TfBackendName } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  try {
    const result = await grader.grade({
      problemId: problem.id,
      files: positionals.map((file) => ({ name: path.basename(file), path: path.resolve(file) })),
    });
    console.log(values.json ? JSON.stringify(result) : formatGradeReport(result));
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ModelRejectedError) {
      if (values.json) console.log(JSON.stringify({ problem: problem.id, refused: { code: error.code, message: error.memberMessage } }));
      return fail(`the model cannot be graded (${error.code}): ${error.memberMessage}`, EXIT.ungradable);
    }
    return fail(`internal error: ${error instanceof Error ? error.message : String(error)}`, EXIT.failure);
  } finally {
    await grader.close();
  }
}

export const gradeCommand = {
  describe: 'grade a model file on a problem',
  usage: gradeUsage,
  run,
};
