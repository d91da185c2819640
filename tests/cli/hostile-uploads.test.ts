// The hostile corpus through the real command line, one process per upload: each is refused with
// its code and message, and the process (bot-side code and grading workers together) peaks under
// 1.5 GB of memory, measured by /usr/bin/time.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHostileCorpus, type HostileUpload } from '../support/hostile-corpus.ts';
import { BIN, PROJECT_ROOT, cleanEnv } from '../support/run-cli.ts';
import { testDataPath } from '../support/test-data/locate.ts';

const PEAK_LIMIT_KB = 1.5 * 1024 * 1024;

type Run = { code: number | null; stdout: string; peakKb: number };

function gradeMeasured(upload: HostileUpload, dir: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const files = upload.files.map((file) => path.join(dir, file.name));
    // GNU time prints the peak resident set size (KB) as the last line of stderr.
    const child = spawn('/usr/bin/time', ['-f', '%M', process.execPath, BIN, 'grade', '--problem', upload.problem, ...files, '--json'], { env, cwd: PROJECT_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, peakKb: Number(stderr.trim().split('\n').pop()) }));
  });
}

describe.skipIf(process.platform !== 'linux')('hostile uploads through tf-study-bot grade', () => {
  let folder: string;
  let corpus: Array<{ upload: HostileUpload; dir: string }>;
  const env = () => cleanEnv({ DATA_DIR: path.join(folder, 'data'), DATASET_MIRROR: testDataPath('datasets'), GRADER_WORKERS: '2' });

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'tsb-hostile-'));
    corpus = await writeHostileCorpus(path.join(folder, 'corpus'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('writes every kind of the issue as files a member would upload', async () => {
    expect(corpus.map(({ upload }) => upload.kind)).toHaveLength(11);
    for (const { upload, dir } of corpus) expect((await readdir(dir)).sort()).toEqual([...upload.files.map((f) => f.name), 'expect.json'].sort());
  });

  it('refuses each with its code and message, under 1.5 GB at the peak', { timeout: 600_000 }, async () => {
    const outcomes: Array<{ kind: string; code: number | null; refused: unknown; peakMb: number }> = [];
    for (const { upload, dir } of corpus) {
      const run = await gradeMeasured(upload, dir, env());
      const refused = (JSON.parse(run.stdout || '{}') as { refused?: { code: string; message: string } }).refused;
      outcomes.push({ kind: upload.kind, code: run.code, refused, peakMb: Math.round(run.peakKb / 1024) });
      expect({ kind: upload.kind, code: run.code }).toEqual({ kind: upload.kind, code: 3 });
      expect({ kind: upload.kind, refused }).toMatchObject({ kind: upload.kind, refused: { code: upload.code, message: expect.stringMatching(upload.message) } });
      expect(run.peakKb).toBeGreaterThan(0);
      expect({ kind: upload.kind, peakKb: run.peakKb }).toEqual({ kind: upload.kind, peakKb: expect.toSatisfy((kb: number) => kb < PEAK_LIMIT_KB) });
    }
    console.log(outcomes.map((o) => `${o.peakMb} MB  ${o.kind}`).join('\n'));
  });
});
