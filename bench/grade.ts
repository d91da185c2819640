// Grading speed per problem and TensorFlow.js backend: median wall time to import a real fixture
// and to evaluate it over the problem's whole evaluation set, and samples per second; then the
// worker pool as /grade uses it (one grade alone, two at once).
//
//   node bin/run-ts.js bench/grade.ts [--runs 3] [--backends wasm,cpu] [--problems mnist,sunspots]
//
// Default backends: every one that loads, except cpu when a faster one does (cpu takes minutes on
// the image problems; ask for it with --backends cpu). Datasets come from DATA_DIR/DATASET_MIRROR
// as configured, else from the test data (tests/support/test-data/) into a temporary cache.
// Goals on a 2-core machine with wasm: MNIST CNN over 10,000 digits <= 1.5 s, horse-or-human
// 256 images <= 3 s, any fixture import <= 1 s.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median, table } from './figures.ts';
import { getProblem, problemCatalog } from '../problems/index.ts';
import { loadEvaluationSet, type EvaluationSet } from '../src/datasets/evaluation-sets.ts';
import { checkCompatibility } from '../src/grading/compatibility.ts';
import { evaluate } from '../src/grading/evaluate.ts';
import { createGrader } from '../src/grading/grader.ts';
import { importModel } from '../src/grading/model-import/index.ts';
import { loadTf, type TfBackendName } from '../src/grading/tf-backend.ts';
import { ensureTestDataOrExit } from '../tests/support/test-data/ensure.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    backends: { type: 'string' },
    problems: { type: 'string' },
  },
});
const runs = Math.max(1, Number(values.runs) || 3);

const testData = await ensureTestDataOrExit();
const fixtureDir = path.join(testData.dir, 'fixtures', 'models');

/** A real fixture per problem (SOURCES.txt says which practice problem each file solves). */
const cases: { problem: string; fixture: string; goalMs?: number }[] = [
  { problem: 'linear-a', fixture: '01_dense_regression_A1_k2.5.h5' },
  { problem: 'linear-b', fixture: '02_dense_normalization_B1_k2.9.h5' },
  { problem: 'mnist', fixture: '03_mnist_cnn_C2_fixedbatch32_k2.8.h5', goalMs: 1500 },
  { problem: 'mnist', fixture: '15_fashion_mnist_cnn_keras3.10.keras', goalMs: 1500 },
  { problem: 'horse-or-human', fixture: '06_horse_human_cnn_150x150_A2_k2.7.h5', goalMs: 3000 },
  { problem: 'bbc-news', fixture: '09_bbc_emb_conv1d_lstm_B4_k2.13.h5' },
  { problem: 'sunspots', fixture: '10_sunspots_causalconv1d_lstm_A5_k2.8.h5' },
  { problem: 'daily-max-temperatures', fixture: '12_maxtemp_dense_float64_B5_k2.9.h5' },
];
const importGoalMs = 1000;

const onlyProblems = values.problems?.split(',').map((p) => p.trim());
const selected = cases.filter((c) => !onlyProblems || onlyProblems.includes(c.problem));

const ms = (value: number) => `${Math.round(value)} ms`;

// Datasets: the configured cache when there is one, else a temporary cache seeded from the test data.
const { loadConfig } = await import('../src/config.ts');
const config = loadConfig();
const mirror = config.datasetMirror ?? path.join(testData.dir, 'datasets');
const temporaryDataDir = config.datasetMirror || existsSync(config.dataDir) ? undefined : await mkdtemp(path.join(os.tmpdir(), 'tfsb-bench-grade-'));
const dataDir = temporaryDataDir ?? config.dataDir;

const [load1] = os.loadavg();
console.log(`# grading benchmark: Node ${process.version}, ${os.availableParallelism()} cores, ${runs} runs each (median), load average ${load1.toFixed(2)} at start`);
if (load1 > 0.5 * os.availableParallelism()) console.log('note: other processes are using the CPU; the times below include that contention');

// ---- which backends -------------------------------------------------------------------------------
const requested = values.backends?.split(',').map((b) => b.trim() as TfBackendName);
const candidates: TfBackendName[] = requested ?? ['tensorflow', 'wasm', 'cpu'];
const backends: TfBackendName[] = [];
for (const candidate of candidates) {
  const { backend } = await loadTf({ prefer: candidate });
  if (backend !== candidate) {
    console.log(`note: backend ${candidate} is not available here (falls back to ${backend})`);
    continue;
  }
  if (!requested && candidate === 'cpu' && backends.length > 0) {
    console.log('note: cpu skipped (a faster backend loaded; add --backends cpu to measure it)');
    continue;
  }
  backends.push(candidate);
}

// ---- evaluation sets, loaded once (as a worker keeps them) --------------------------------------
const sets = new Map<string, { set: EvaluationSet; loadMs: number }>();
for (const problemId of new Set(selected.map((c) => c.problem))) {
  const problem = getProblem(problemId)!;
  const started = performance.now();
  const set = await loadEvaluationSet(problem, { dataDir, mirror });
  sets.set(problemId, { set, loadMs: performance.now() - started });
}

// ---- import and evaluate, in this thread ----------------------------------------------------------
const rows: string[][] = [];
// Evaluation goals are judged on the pool, which is how grades run; one thread is for reference.
const misses: string[] = [];
const threadNotes: string[] = [];
for (const backend of backends) {
  const { tf } = await loadTf({ prefer: backend });
  for (const { problem: problemId, fixture, goalMs } of selected) {
    const problem = getProblem(problemId)!;
    const { set } = sets.get(problemId)!;
    const bytes = new Uint8Array(readFileSync(path.join(fixtureDir, fixture)));
    const importTimes: number[] = [];
    const evaluateTimes: number[] = [];
    let samples = 0;
    let points = 0;
    for (let run = 0; run < runs; run++) {
      const importStart = performance.now();
      const imported = await importModel([{ name: fixture, bytes }], { tf });
      const adaptation = checkCompatibility(problem, imported);
      importTimes.push(performance.now() - importStart);
      try {
        const evaluateStart = performance.now();
        const outcome = await evaluate(problem, imported.model, { tf, evaluationSet: set, adaptation });
        evaluateTimes.push(performance.now() - evaluateStart);
        samples = outcome.sampleCount;
        points = outcome.points;
      } finally {
        imported.model.dispose();
      }
    }
    const importMs = median(importTimes);
    const evaluateMs = median(evaluateTimes);
    const unit = set.kind === 'time-series' ? 'windows' : set.kind === 'regression' ? 'points' : 'samples';
    const goal = goalMs ? `<= ${goalMs / 1000} s: ${evaluateMs <= goalMs ? 'met' : 'MISSED'}` : '';
    if (goalMs && evaluateMs > goalMs) threadNotes.push(`${backend} ${problemId} (${fixture}) evaluation in one thread ${ms(evaluateMs)} > ${goalMs} ms`);
    if (importMs > importGoalMs) misses.push(`${backend} ${fixture} import ${ms(importMs)} > ${importGoalMs} ms`);
    rows.push([
      problemId,
      `${fixture.slice(0, 2)} ${backend}`,
      ms(importMs),
      ms(evaluateMs),
      `${samples.toLocaleString('en-US')} ${unit}`,
      `${Math.round(samples / (evaluateMs / 1000)).toLocaleString('en-US')}/s`,
      `${points}/5`,
      goal,
    ]);
    console.error(`measured ${backend} ${problemId} ${fixture}`);
  }
}
console.log('\n## import and evaluation in one thread (median wall time; import goal <= 1 s)\n');
console.log(table(['problem', 'fixture backend', 'import', 'evaluate', 'evaluation set', 'throughput', 'points', 'goal (one thread)'], rows));
console.log(`\nevaluation sets loaded (first use, from the cache or the mirror): ${[...sets].map(([id, s]) => `${id} ${ms(s.loadMs)}`).join(', ')}`);

// ---- the worker pool, as /grade runs it ---------------------------------------------------------------
// MNIST and horse-or-human grades are split over both workers; two grades at once run one after
// the other, each on both cores.
const poolCases = selected.filter((c) => c.goalMs !== undefined);
const poolMisses: string[] = [];
if (poolCases.length > 0 && backends.length > 0) {
  const grader = createGrader({ catalog: problemCatalog, dataDir, datasetMirror: mirror, workers: 2, backend: backends[0] });
  const poolRows: string[][] = [];
  try {
    for (const { problem, fixture, goalMs } of poolCases) {
      const file = () => ({ name: fixture, bytes: new Uint8Array(readFileSync(path.join(fixtureDir, fixture))) });
      // Warm both workers (model code paths, evaluation set) before timing.
      await Promise.all([grader.grade({ problemId: problem, files: [file()] }), grader.grade({ problemId: problem, files: [file()] })]);
      const aloneWall: number[] = [];
      const aloneEvaluate: number[] = [];
      const pairWall: number[] = [];
      for (let run = 0; run < runs; run++) {
        let started = performance.now();
        const result = await grader.grade({ problemId: problem, files: [file()] });
        aloneWall.push(performance.now() - started);
        aloneEvaluate.push(result.timings.evaluateMs);
        started = performance.now();
        await Promise.all([grader.grade({ problemId: problem, files: [file()] }), grader.grade({ problemId: problem, files: [file()] })]);
        pairWall.push(performance.now() - started);
      }
      const evaluateMs = median(aloneEvaluate);
      if (goalMs && evaluateMs > goalMs) poolMisses.push(`pool ${problem} (${fixture}) evaluation ${ms(evaluateMs)} > ${goalMs} ms`);
      poolRows.push([
        problem,
        fixture.slice(0, 2),
        ms(evaluateMs),
        ms(median(aloneWall)),
        ms(median(pairWall)),
        ms(median(pairWall) / 2),
        goalMs ? `<= ${goalMs / 1000} s: ${evaluateMs <= goalMs ? 'met' : 'MISSED'}` : '',
      ]);
    }
  } finally {
    await grader.close();
  }
  console.log(`\n## worker pool (2 workers, ${backends[0]}, warm): one grade alone and two at once (each split over both workers)\n`);
  console.log(table(['problem', 'fixture', 'alone: evaluate', 'alone: wall', 'two at once: wall', 'per grade', 'evaluation goal'], poolRows));
}
misses.push(...poolMisses);

console.log(`\nload average at the end: ${os.loadavg()[0].toFixed(2)}`);
if (threadNotes.length) console.log(`\nin one thread (for reference; grades run on the pool):\n${threadNotes.map((m) => `  - ${m}`).join('\n')}`);
console.log(misses.length ? `\ngoals missed:\n${misses.map((m) => `  - ${m}`).join('\n')}` : '\nall goals met');
if (temporaryDataDir) await rm(temporaryDataDir, { recursive: true, force: true });
