// The real command line, as a member or an operator runs it: `tf-study-bot grade` and
// `tf-study-bot problems`, in a child process, with exit codes 0 (graded), 3 (the model cannot be
// graded), 2 (misuse), 1 (internal error) and the JSON output scripts read.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireProblem } from '../../problems/index.ts';
import { thresholdTable } from '../../src/grading/scoring.ts';
import { cleanEnv, PROJECT_ROOT, runCli } from '../support/run-cli.ts';
import { testDataPath } from '../support/test-data/locate.ts';

const fixtures = testDataPath('fixtures', 'models');

let dataDir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'tfsb-grade-cli-'));
  env = cleanEnv({ DATA_DIR: dataDir, DATASET_MIRROR: testDataPath('datasets') });
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('tf-study-bot grade', () => {
  it('grades a real MNIST model with --json: one JSON object on stdout, exit 0', async () => {
    const run = await runCli(['grade', '--problem', 'mnist', path.join(fixtures, '03_mnist_cnn_C2_fixedbatch32_k2.8.h5'), '--json'], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ problem: 'mnist', points: 5, metric: 'accuracy', backend: 'wasm', format: 'keras2-h5' });
    expect(result.value).toBeCloseTo(0.9888, 4);
    expect(result.details.perClass).toHaveLength(10);
  });

  it('prints a readable report without --json', async () => {
    const run = await runCli(['grade', '-p', 'linear-a', path.join(fixtures, '01_dense_regression_A1_k2.5.h5')], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^linear-a · Basic model: Y = X \+ 9$/m);
    expect(run.stdout).toMatch(/^points {4}●●●●● 5\/5$/m);
    expect(run.stdout).toMatch(/^MSE {7}8\.24e-5 \(full marks at ≤ 1\.00e-4, over 11 samples\)$/m);
    expect(run.stdout).toMatch(/^baseline  \d{3},\d{3}× lower MSE than always the training mean \(9\.5\) at 15\.7$/m);
    expect(run.stdout).toMatch(/^timings {3}import .* \(backend wasm\)$/m);
    expect(run.stdout).toMatch(/^hint {6}Full marks/m);
  });

  it('a model that scores low still exits 0 (a Fashion-MNIST model on MNIST)', async () => {
    const run = await runCli(['grade', '-p', 'mnist', path.join(fixtures, '04_fashion_mnist_cnn_B2_k2.9.h5'), '--json'], { env });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.points).toBe(0);
    expect(result.value).toBeLessThan(0.5);
  });

  it('an unusable model exits 3 with the reason on stderr', async () => {
    const run = await runCli(['grade', '-p', 'mnist', path.join(fixtures, '06_horse_human_cnn_150x150_A2_k2.7.h5')], { env });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/the model cannot be graded \(wrong-input-shape\): Your model takes \(None, 150, 150, 3\)/);
  });

  it('with --json an unusable model also gives a JSON refusal on stdout', async () => {
    const run = await runCli(['grade', '-p', 'mnist', path.join(PROJECT_ROOT, 'package.json'), '--json'], { env });
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toEqual({ problem: 'mnist', refused: { code: 'not-a-model', message: expect.stringMatching(/package\.json is JSON but not a TF\.js model\.json/) } });
  });

  it('an internal failure exits 1 (DATA_DIR is under a file, so the dataset cannot be stored)', async () => {
    const file = path.join(dataDir, 'not-a-directory');
    await writeFile(file, '');
    const run = await runCli(['grade', '-p', 'mnist', path.join(fixtures, '03_mnist_cnn_C2_fixedbatch32_k2.8.h5')], {
      env: cleanEnv({ DATA_DIR: path.join(file, 'data'), DATASET_MIRROR: testDataPath('datasets') }),
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/tf-study-bot grade: internal error: ENOTDIR/);
  });

  it('--backend cpu runs the cpu backend and says so', async () => {
    const run = await runCli(['grade', '-p', 'linear-a', path.join(fixtures, '01_dense_regression_A1_k2.5.h5'), '--backend', 'cpu', '--json'], { env });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ problem: 'linear-a', points: 5, backend: 'cpu' });
  });

  it('--timeout stops a model that runs longer: exit 3 with the limit in the message', async () => {
    const run = await runCli(['grade', '-p', 'horse-or-human', path.join(fixtures, '06_horse_human_cnn_150x150_A2_k2.7.h5'), '--timeout', '0.2'], { env });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/\(timeout\): Grading took longer than 0\.2 s, the limit per model/);
  });

  it('misuse exits 2 with a specific message', async () => {
    const unknown = await runCli(['grade', '-p', 'cifar-10', path.join(fixtures, '01_dense_regression_A1_k2.5.h5')], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown problem "cifar-10"\. Known problems: linear-a, /);
    const missing = await runCli(['grade', '-p', 'mnist', path.join(dataDir, 'nowhere.h5')], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file: .*nowhere\.h5/);
    const noProblem = await runCli(['grade', path.join(fixtures, '01_dense_regression_A1_k2.5.h5')], { env });
    expect(noProblem.code).toBe(2);
    expect(noProblem.stderr).toMatch(/--problem is required/);
    const badBackend = await runCli(['grade', '-p', 'mnist', '--backend', 'gpu', path.join(fixtures, '01_dense_regression_A1_k2.5.h5')], { env });
    expect(badBackend.code).toBe(2);
    expect(badBackend.stderr).toMatch(/--backend must be one of tensorflow, wasm, cpu/);
    const unknownOption = await runCli(['grade', '-p', 'mnist', '--gpu', path.join(fixtures, '01_dense_regression_A1_k2.5.h5')], { env });
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toMatch(/^tf-study-bot grade: Unknown option '--gpu'/);
  });
});

describe('tf-study-bot problems', () => {
  it('--json lists the nine problems with their metrics', async () => {
    const run = await runCli(['problems', '--json'], { env });
    expect(run.code).toBe(0);
    const problems = JSON.parse(run.stdout) as { id: string; category: number; thresholds: { rows: { points: number; value: number }[] } }[];
    expect(problems.map((p) => p.id)).toEqual([
      'linear-a', 'linear-b', 'linear-c', 'mnist', 'horse-or-human', 'bbc-news', 'sunspots', 'daily-min-temperatures', 'daily-max-temperatures',
    ]);
    expect(problems.find((p) => p.id === 'horse-or-human')).toMatchObject({
      category: 3,
      scoring: { kind: 'accuracy-steps', fullMarks: 0.83, step: 0.03 },
      thresholds: { metric: 'accuracy', direction: 'at-least', rows: [{ points: 5, value: 0.83 }, { points: 4, value: 0.8 }, { points: 3, value: 0.77 }, { points: 2, value: 0.74 }, { points: 1, value: 0.71 }] },
      baselines: [{ id: 'constant', name: 'always "horses"', value: 0.5, points: 0 }],
    });
    // The same table the statements and the /grade reply show.
    const sunspots = problems.find((p) => p.id === 'sunspots')!;
    expect(sunspots.thresholds).toEqual(thresholdTable(requireProblem('sunspots')));
  });

  it('prints a table without --json', async () => {
    const run = await runCli(['problems'], { env });
    expect(run.code).toBe(0);
    const five = thresholdTable(requireProblem('sunspots')).rows[0].value.toFixed(4);
    expect(run.stdout).toMatch(new RegExp(`^sunspots\\s+5\\s+MAE ≤ ${five}\\s+≤ \\S+\\s+naive 0\\.0405 \\(4\\), constant 0\\.1268 \\(0\\)\\s+\\(None, 30, 1\\) or \\(None, 30\\)\\s+Time series`, 'm'));
    expect(run.stdout).toContain('sunspots: Points by the ratio of the MAE to the naive forecast');
  });
});
