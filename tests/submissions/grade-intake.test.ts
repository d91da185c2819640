// /grade's intake without Discord: uploads served by a local HTTP server, a real database on each
// engine, the real upload store. Every outcome leaves the store as it should: files kept only for
// a queued submission.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemCatalog, requireProblem } from '../../problems/index.ts';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { MockExamService } from '../../src/mockexam/mock-exam-service.ts';
import { GuildSettingsService } from '../../src/settings/guild-settings.ts';
import { GradeIntake } from '../../src/submissions/grade-intake.ts';
import { SubmissionService } from '../../src/submissions/submission-service.ts';
import { UploadStore } from '../../src/submissions/upload-store.ts';
import { submissions as submissionsTable } from '../../src/db/schema.ts';
import { inArray } from 'drizzle-orm';
import { openTestDatabase, testEngines } from '../support/db.ts';
import { startHttpServer, type LocalHttpServer } from '../support/http-server.ts';

const model = Buffer.from('not really a model, but bytes to hash');
let server: LocalHttpServer;
let base: string;
/** Answers a request for /held.h5 (given the function that sends the model); unset: 404. */
let onHeldRequest: ((send: () => void) => void) | undefined;
beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/model.h5') return res.end(model);
    if (req.url === '/held.h5' && onHeldRequest) return onHeldRequest(() => res.end(model));
    res.writeHead(404).end();
  });
  base = server.url;
});
afterAll(() => server.close());

describe.each(testEngines)('GradeIntake on %s', (engine) => {
  let handle: DatabaseHandle;
  let root: string;
  let intake: GradeIntake;
  let submissions: SubmissionService;
  let wakeUps = 0;
  const clock = () => new Date('2026-11-30T10:00:00Z');
  const problem = requireProblem('mnist');
  const request = (userId: string, path = '/model.h5', size = model.length) => ({
    guildId: 'g1',
    userId,
    userName: userId,
    problem,
    attachments: [{ url: `${base}${path}`, name: 'model.h5', size }],
    replyTo: { applicationId: 'app', token: `token-${userId}` },
  });
  const stored = () => readdirSync(root);

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    root = mkdtempSync(join(tmpdir(), 'tsb-intake-'));
    const settings = new GuildSettingsService(handle.db, 'UTC', clock);
    submissions = new SubmissionService(handle.db, new MockExamService(handle.db, settings, problemCatalog, clock), problemCatalog, { perHour: 10 }, clock);
    intake = new GradeIntake({ submissions, uploads: new UploadStore(root), onQueued: () => wakeUps++, leases: { holder: { owner: 'intake-test', leaseMs: 60_000 }, keepLease: () => () => {} }, maxUploadBytes: 1024, downloadTimeoutMs: 30_000 });
  });
  afterAll(async () => {
    await handle.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('downloads, hashes, stores and queues an upload, and wakes the queue', async () => {
    const outcome = await intake.submit(request('ada'));
    expect(outcome).toMatchObject({ ok: true, value: { kind: 'queued', position: 1 } });
    if (!outcome.ok || outcome.value.kind !== 'queued') return;
    const { submission } = outcome.value;
    expect(submission).toMatchObject({ problemId: 'mnist', fileName: 'model.h5', fileSize: model.length, status: 'queued' });
    expect(submission.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(join(submission.filesPath!, '00-model.h5'))).toBe(true);
    expect(wakeUps).toBe(1);
  });

  it('refuses a second grade while one is in flight, keeping no copy of its files', async () => {
    const before = stored();
    const outcome = await intake.submit(request('ada'));
    expect(outcome).toMatchObject({ ok: false, reason: { kind: 'busy', inFlight: { userId: 'ada' } } });
    expect(stored()).toEqual(before);
  });

  it('refuses an upload over the size budget before downloading, and a failed download after, keeping nothing', async () => {
    const before = stored();
    expect(await intake.submit(request('ben', '/model.h5', 4096))).toMatchObject({
      ok: false,
      reason: { kind: 'upload', message: expect.stringMatching(/model\.h5 is 4 KB; the grader takes files up to 1 KB/) },
    });
    expect(await intake.submit(request('ben', '/gone.h5'))).toMatchObject({
      ok: false,
      reason: { kind: 'upload', message: expect.stringMatching(/Could not download model\.h5 from Discord \(HTTP 404\)/) },
    });
    expect(stored()).toEqual(before);
  });

  it('answers a file graded before with its stored result, recorded again, instead of queueing it', async () => {
    const first = await intake.submit(request('cat'));
    if (!first.ok || first.value.kind !== 'queued') throw new Error('expected queued');
    await submissions.markFailed(first.value.submission.id, 'test', 'not this one');
    const graded = await intake.submit(request('cat'));
    if (!graded.ok || graded.value.kind !== 'queued') throw new Error('expected queued');
    while ((await submissions.claimNext()) !== undefined);
    await submissions.markGraded(graded.value.submission.id, {
      points: 5, metric: 'accuracy', metricValue: 0.99, format: 'keras2-h5', backend: 'cpu', timings: {}, result: {},
    });
    const before = stored();
    const wakeUpsBefore = wakeUps;
    const again = await intake.submit(request('cat'));
    expect(again).toMatchObject({ ok: true, value: { kind: 'reused', submission: { status: 'graded', points: 5, filesPath: null } } });
    if (!again.ok || again.value.kind !== 'reused') return;
    expect(again.value.submission.id).toBeGreaterThan(graded.value.submission.id);
    expect(wakeUps).toBe(wakeUpsBefore);
    expect(stored()).toEqual(before);
  });

  it('admits a burst of uploads at once, downloads them a few at a time, and queues every one', async () => {
    const burst = new GradeIntake({ submissions, uploads: new UploadStore(root), onQueued: () => {}, leases: { holder: { owner: 'intake-test', leaseMs: 60_000 }, keepLease: () => () => {} }, maxUploadBytes: 1024, downloadTimeoutMs: 30_000, concurrency: 2 });
    const members = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
    // Every download waits until the test lets it go.
    const held: Array<() => void> = [];
    onHeldRequest = (send) => held.push(send);
    try {
      const downloading: number[] = [];
      const outcomes = Promise.all(members.map((member) => burst.submit(request(member, '/held.h5'), { onDownloadStarts: async (s) => void downloading.push(s.id) })));
      // Every member is admitted (a row a restart would find); two download, four wait their turn to.
      const receiving = async () => (await handle.db.select().from(submissionsTable).where(inArray(submissionsTable.userId, members))).filter((row) => row.status === 'receiving');
      while (held.length < 2 || burst.waiting < 4 || (await receiving()).length < 6) await new Promise((resolve) => setImmediate(resolve));
      expect(burst.waiting).toBe(4);
      expect(held).toHaveLength(2);
      // The reply says 'downloading' only for the two downloading.
      expect(downloading).toHaveLength(2);
      onHeldRequest = (send) => send();
      held.splice(0).forEach((send) => send());
      expect((await outcomes).map((o) => o.ok && o.value.kind)).toEqual(members.map(() => 'queued'));
      expect(burst.waiting).toBe(0);
    } finally {
      onHeldRequest = undefined;
    }
  });
});
