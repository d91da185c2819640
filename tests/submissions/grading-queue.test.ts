// The grading queue without Discord or a real grader: how it records a grade when the database
// fails for a while (the embedded database's equivalent of an outage: its writes throw), and how a
// stop hands back what it cut off.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemCatalog } from '../../problems/index.ts';
import type { DatabaseHandle } from '../../src/db/client.ts';
import type { GradeResult } from '../../src/grading/grader.ts';
import { MockExamService } from '../../src/mockexam/mock-exam-service.ts';
import { GuildSettingsService } from '../../src/settings/guild-settings.ts';
import { GradingQueue, type GraderLike } from '../../src/submissions/grading-queue.ts';
import { GRADER_CRASHED_MESSAGE, SubmissionService, type Submission } from '../../src/submissions/submission-service.ts';
import { GraderCrashedError } from '../../src/grading/host/protocol.ts';
import { UploadStore } from '../../src/submissions/upload-store.ts';
import { ModelRejectedError } from '../../src/grading/errors.ts';
import { submissions as submissionsTable } from '../../src/db/schema.ts';
import { eq } from 'drizzle-orm';
import { createSubmission } from '../support/submissions.ts';
import { openTestDatabase } from '../support/db.ts';

const result = { points: 4, metricName: 'accuracy', value: 0.97, format: 'keras2-h5', backend: 'cpu', timings: { totalMs: 5 } } as unknown as GradeResult;

describe('GradingQueue', () => {
  let handle: DatabaseHandle;
  let root: string;
  let submissions: SubmissionService;
  let uploads: UploadStore;
  const clock = () => new Date('2026-11-30T10:00:00Z');

  beforeAll(async () => {
    handle = await openTestDatabase('pglite');
    root = mkdtempSync(join(tmpdir(), 'tsb-queue-'));
    const settings = new GuildSettingsService(handle.db, 'UTC', clock);
    submissions = new SubmissionService(handle.db, new MockExamService(handle.db, settings, problemCatalog, clock), problemCatalog, { perHour: 100 }, clock);
    uploads = new UploadStore(root);
  });
  afterAll(async () => {
    await handle.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function queueUpload(userId: string): Promise<Submission> {
    const folder = await uploads.newFolder();
    writeFileSync(join(folder, UploadStore.fileName(0, 'model.h5')), 'bytes');
    const created = await createSubmission(submissions, { guildId: 'g', userId, userName: userId, problemId: 'mnist', fileName: 'model.h5', fileSha256: userId, fileSize: 5, filesPath: folder });
    if (!created.ok || created.value.kind !== 'queued') throw new Error('not queued');
    return created.value.submission;
  }

  it('keeps trying to record a grade while the database fails, keeping the upload, and reports it once', async () => {
    const submission = await queueUpload('ada');
    let failures = 0;
    const flaky = Object.create(submissions) as SubmissionService;
    flaky.markGraded = async (id, outcome, holder) => {
      // The upload is still there every time recording fails.
      expect(existsSync(submission.filesPath!)).toBe(true);
      // What postgres.js throws while the server is away.
      if (failures++ < 3) throw Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), { code: 'CONNECTION_CLOSED' });
      return submissions.markGraded(id, outcome, holder);
    };
    const grader: GraderLike = { grade: async () => result };
    const queue = new GradingQueue({ submissions: flaky, grader, uploads, concurrency: 1, leaseMs: 30_000 });
    const finished: Submission[] = [];
    const done = new Promise<void>((resolve) => queue.on('finished', (s) => (finished.push(s), resolve())));
    await queue.start({ resumeAll: false });
    await done;
    await queue.stop(0);
    expect(failures).toBe(4);
    expect(finished).toEqual([expect.objectContaining({ id: submission.id, status: 'graded', points: 4 })]);
    expect(existsSync(submission.filesPath!)).toBe(false);
  });

  it('hands a grade cut off by a stop back to the queue, with its files', async () => {
    const submission = await queueUpload('ben');
    let started!: () => void;
    const grading = new Promise<void>((resolve) => (started = resolve));
    const grader: GraderLike = {
      // Runs until it is cancelled, like a long evaluation.
      grade: (_request, options) =>
        new Promise((_resolve, reject) => {
          started();
          options?.signal?.addEventListener('abort', () => reject(options.signal!.reason));
        }),
    };
    const queue = new GradingQueue({ submissions, grader, uploads, concurrency: 1, leaseMs: 30_000 });
    await queue.start({ resumeAll: false });
    await grading;
    expect((await submissions.get(submission.id))!.status).toBe('running');
    await queue.stop(0);
    expect(await submissions.get(submission.id)).toMatchObject({ status: 'queued', crashes: 0, leaseOwner: null });
    expect(existsSync(submission.filesPath!)).toBe(true);
    await submissions.markFailed(submission.id, 'test', 'done with it');
  });

  it('stores a refusal that quotes a NUL character, which PostgreSQL text cannot hold, without it', async () => {
    const submission = await queueUpload('cat');
    const grader: GraderLike = {
      grade: async () => {
        throw new ModelRejectedError('lambda-layer', 'Layer "x\u0000y" is a Lambda layer.');
      },
    };
    const queue = new GradingQueue({ submissions, grader, uploads, concurrency: 1, leaseMs: 30_000 });
    const done = new Promise<Submission>((resolve) => queue.on('finished', resolve));
    await queue.start({ resumeAll: false });
    const finished = await done;
    await queue.stop(0);
    expect(finished).toMatchObject({ id: submission.id, status: 'failed', errorCode: 'lambda-layer', error: 'Layer "xy" is a Lambda layer.' });
  });

  it('records a bot-side failure once when the database refuses an outcome (not an outage), instead of retrying forever', async () => {
    const submission = await queueUpload('dan');
    const refusing = Object.create(submissions) as SubmissionService;
    let refusals = 0;
    refusing.markGraded = async () => {
      refusals++;
      throw Object.assign(new Error('value too long for type character varying'), { code: '22001' });
    };
    const queue = new GradingQueue({ submissions: refusing, grader: { grade: async () => result }, uploads, concurrency: 1, leaseMs: 30_000 });
    const done = new Promise<Submission>((resolve) => queue.on('finished', resolve));
    await queue.start({ resumeAll: false });
    const finished = await done;
    await queue.stop(0);
    expect(refusals).toBe(1);
    expect(finished).toMatchObject({ id: submission.id, status: 'failed', errorCode: 'internal' });
    expect(finished.error).toMatch(/^Please try again in a few minutes\. .* ref [0-9A-F]{4}\.$/);
  });

  it('leaves a grade, and its files, to the process that took it over after its lease lapsed', async () => {
    const submission = await queueUpload('eve');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let graded!: () => void;
    const grading = new Promise<void>((resolve) => (graded = resolve));
    const slow: GraderLike = { grade: async () => (graded(), await held, result) };
    const queue = new GradingQueue({ submissions, grader: slow, uploads, concurrency: 1, leaseMs: 30_000 });
    const events: string[] = [];
    queue.on('finished', () => events.push('finished'));
    await queue.start({ resumeAll: false });
    await grading;
    // Another process swept the lease and claimed the grade while this one was cut off.
    await handle.db.update(submissionsTable).set({ leaseOwner: 'other-process' }).where(eq(submissionsTable.id, submission.id));
    release();
    await queue.stop(5_000);
    expect(events).toEqual([]);
    expect(await submissions.get(submission.id)).toMatchObject({ status: 'running', leaseOwner: 'other-process' });
    expect(existsSync(submission.filesPath!)).toBe(true);
  });

  it('puts a grade back when the grading process dies under it, and fails it the second time, telling the member', async () => {
    const submission = await queueUpload('fay');
    let deaths = 0;
    const dying: GraderLike = {
      grade: async () => {
        deaths++;
        throw new GraderCrashedError('it used 4000 MB of memory, over the 3072 MB allowed');
      },
    };
    const queue = new GradingQueue({ submissions, grader: dying, uploads, concurrency: 1, leaseMs: 30_000 });
    const done = new Promise<Submission>((resolve) => queue.on('finished', resolve));
    await queue.start({ resumeAll: false });
    const finished = await done;
    await queue.stop(0);
    expect(deaths).toBe(2);
    expect(finished).toMatchObject({ id: submission.id, status: 'failed', errorCode: 'grader-crashed', crashes: 2, attempts: 2, error: GRADER_CRASHED_MESSAGE });
    expect(existsSync(submission.filesPath!)).toBe(false);
  });
});
