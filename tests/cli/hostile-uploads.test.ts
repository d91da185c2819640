// The hostile corpus and the earlier bad-input corpus through the real command line, one process
// per upload: each is refused with its code and message, and the process (grading workers
// included) peaks under 1.5 GB of memory, measured by /usr/bin/time.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badInputCorpus } from '../support/bad-input-corpus.ts';
import { writeHostileCorpus, type HostileUpload } from '../support/hostile-corpus.ts';
import { BIN, PROJECT_ROOT, cleanEnv } from '../support/run-cli.ts';
import { testDataPath } from '../support/test-data/locate.ts';

const PEAK_LIMIT_KB = 1.5 * 1024 * 1024;

type Run = { code: number | null; stdout: string; peakKb: number };

function gradeMeasured(problem: string, files: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    // GNU time prints the peak resident set size (KB) as the last line of stderr.
    const child = spawn('/usr/bin/time', ['-f', '%M', process.execPath, BIN, 'grade', '--problem', problem, ...files, '--json'], { env, cwd: PROJECT_ROOT });
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
      const run = await gradeMeasured(upload.problem, upload.files.map((file) => path.join(dir, file.name)), env());
      const refused = (JSON.parse(run.stdout || '{}') as { refused?: { code: string; message: string } }).refused;
      outcomes.push({ kind: upload.kind, code: run.code, refused, peakMb: Math.round(run.peakKb / 1024) });
      expect({ kind: upload.kind, code: run.code }).toEqual({ kind: upload.kind, code: 3 });
      expect({ kind: upload.kind, refused }).toMatchObject({ kind: upload.kind, refused: { code: upload.code, message: expect.stringMatching(upload.message) } });
      expect(run.peakKb).toBeGreaterThan(0);
      expect({ kind: upload.kind, peakKb: run.peakKb }).toEqual({ kind: upload.kind, peakKb: expect.toSatisfy((kb: number) => kb < PEAK_LIMIT_KB) });
    }
    console.log(outcomes.map((o) => `${o.peakMb} MB  ${o.kind}`).join('\n'));
  });

  it('refuses every kind of the earlier bad-input corpus the same way, each under 1.5 GB at the peak', { timeout: 900_000 }, async () => {
    const corpusDir = path.join(folder, 'bad-inputs');
    await mkdir(corpusDir, { recursive: true });
    let measured = 0;
    for (const [index, entry] of badInputCorpus(corpusDir).entries()) {
      const files = await entry.request();
      // Nothing to put on a command line: no file, or a size only Discord declares.
      if (files.length === 0 || files.some((file) => 'size' in file && file.size !== undefined)) continue;
      const dir = path.join(corpusDir, String(index));
      await mkdir(dir, { recursive: true });
      const paths = await Promise.all(
        files.map(async (file) => {
          if ('path' in file) return file.path;
          const target = path.join(dir, file.name);
          await writeFile(target, file.bytes);
          return target;
        }),
      );
      const run = await gradeMeasured(entry.problemId, paths, env());
      const refused = (JSON.parse(run.stdout || '{}') as { refused?: { code: string; message: string } }).refused;
      expect({ kind: entry.kind, code: run.code, refused }).toMatchObject({ kind: entry.kind, code: 3, refused: { code: entry.code, message: expect.stringMatching(entry.message) } });
      expect({ kind: entry.kind, peakKb: run.peakKb }).toEqual({ kind: entry.kind, peakKb: expect.toSatisfy((kb: number) => kb > 0 && kb < PEAK_LIMIT_KB) });
      measured++;
    }
    expect(measured).toBeGreaterThanOrEqual(40);
  });
});
