// `tf-study-bot questions`: the built-in quiz bank and its coverage, and `--check FILE` for a bank
// file a server would import, through the real command line.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../support/run-cli.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tsb-questions-cli-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const question = (id: string, answer = 'relu', skill = 'fundamentals.build-compile-train') =>
  [
    `- id: ${id}`,
    '  topic: fundamentals',
    `  skill: ${skill}`,
    '  difficulty: easy',
    '  question: "Which activation do hidden Dense layers usually use?"',
    '  choices: [relu, softmax, linear]',
    `  answer: ${answer}`,
    '  explanation: "relu keeps gradients alive in hidden layers; softmax belongs to the output, linear adds nothing."',
    '  reference: https://keras.io/api/layers/activations/',
  ].join('\n');

describe('tf-study-bot questions --check', () => {
  it('prints every problem of a file with its line and exits 2', async () => {
    const file = path.join(dir, 'two-bad.yaml');
    await writeFile(file, [question('fine'), question('no-answer', 'tanh'), question('no-skill', 'relu', 'fundamentals.nope')].join('\n'));
    const run = await runCli(['questions', '--check', file], { env: cleanEnv() });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('two-bad.yaml line 10, entry #2 "no-answer": the answer "tanh" is not one of the choices');
    expect(run.stdout).toContain('two-bad.yaml line 19, entry #3 "no-skill": skill "fundamentals.nope" is not in skills.yaml.');
    expect(run.stdout).toContain('2 problems: nothing in this file can be imported until they are fixed.');
  });

  it('says a valid file is valid and exits 0', async () => {
    const file = path.join(dir, 'good.yaml');
    await writeFile(file, question('fine'));
    const run = await runCli(['questions', '--check', file], { env: cleanEnv() });
    expect(run).toMatchObject({ code: 0, stdout: '1 question, all valid.\n' });
  });

  it('names a file that is not there', async () => {
    const run = await runCli(['questions', '--check', path.join(dir, 'missing.yaml')], { env: cleanEnv() });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('missing.yaml: cannot be read (file not found).');
  });
});
