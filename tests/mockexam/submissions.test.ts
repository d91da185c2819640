import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { submissions } from '../../src/db/schema.ts';
import { MockExamService } from '../../src/mockexam/mock-exam-service.ts';
import { GuildSettingsService } from '../../src/settings/guild-settings.ts';
import { eq } from 'drizzle-orm';
import {
  GRADER_CRASHED_MESSAGE,
  SubmissionService,
  UPLOAD_INTERRUPTED_MESSAGE,
} from '../../src/submissions/submission-service.ts';
import { problemCatalog } from '../../problems/index.ts';
import { createSubmission, type NewSubmission } from '../support/submissions.ts';
import { openTestDatabase, testEngines } from '../support/db.ts';

describe.each(testEngines)('the submission queue on %s', (engine) => {
  let handle: DatabaseHandle;
  let clock: Date;
  let subs: SubmissionService;
  const request = (userId: string, sha: string, extra: Partial<NewSubmission> = {}): NewSubmission => ({
    guildId: 'g',
    userId,
    userName: userId,
    problemId: 'mnist',
    fileName: 'model.h5',
    fileSha256: sha,
    fileSize: 100,
    ...extra,
  });

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    clock = new Date('2026-11-25T12:00:00Z');
    const settings = new GuildSettingsService(handle.db, 'UTC', () => clock);
    const exams = new MockExamService(handle.db, settings, problemCatalog, () => clock);
    subs = new SubmissionService(handle.db, exams, problemCatalog, { perHour: 3 }, () => clock);
  });
  afterAll(async () => handle.close());

  /** The created submission or the refusal, whichever it is: both carry a `kind`. */
  const create = async (input: NewSubmission) => {
    const created = await createSubmission(subs, input);
    return created.ok ? created.value : created.reason;
  };

  it('is fair between members: each member\'s first submission goes before anyone\'s second', async () => {
    // One in flight per member and server, so the same member queues in three servers.
    const a1 = await create(request('ann', 'a1', { guildId: 'g1' }));
    const a2 = await create(request('ann', 'a2', { guildId: 'g1', problemId: 'sunspots' }));
    expect(a2.kind).toBe('busy');
    const ids: Record<string, number> = {};
    for (const [key, req] of Object.entries({
      a1: null,
      b1: request('ben', 'b1', { guildId: 'g1' }),
      c1: request('cat', 'c1', { guildId: 'g1' }),
    })) {
      if (req) {
        const created = await create(req);
        if (created.kind !== 'queued') throw new Error(created.kind);
        ids[key] = created.submission.id;
      } else if (a1.kind === 'queued') ids[key] = a1.submission.id;
    }
    expect(await subs.queuePosition(ids.c1)).toBe(3);
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await subs.claimNext())!.id);
    expect(order).toEqual([ids.a1, ids.b1, ids.c1]);
    expect(await subs.claimNext()).toBeUndefined();
    for (const id of order) await subs.markFailed(id, 'test', 'done with it');
  });

  it('takes turns between servers: a burst in one server does not make another server wait behind it', async () => {
    const ids: Record<string, number> = {};
    for (const [key, req] of Object.entries({
      big1: request('m1', 'big1', { guildId: 'g-big' }),
      big2: request('m2', 'big2', { guildId: 'g-big' }),
      big3: request('m3', 'big3', { guildId: 'g-big' }),
      small1: request('s1', 'small1', { guildId: 'g-small' }),
    })) {
      const created = await create(req);
      if (created.kind !== 'queued') throw new Error(created.kind);
      ids[key] = created.submission.id;
    }
    expect(await subs.queuePosition(ids.small1)).toBe(2);
    const order = [];
    for (let i = 0; i < 4; i++) order.push((await subs.claimNext())!.id);
    expect(order).toEqual([ids.big1, ids.small1, ids.big2, ids.big3]);
    for (const id of order) await subs.markFailed(id, 'test', 'done with it');
  });

  it('gives concurrent claims different submissions, and every one of them', async () => {
    const ids: number[] = [];
    for (const user of ['u1', 'u2', 'u3', 'u4']) {
      const created = await create(request(user, `${user}-file`, { guildId: 'g-race' }));
      if (created.kind !== 'queued') throw new Error(created.kind);
      ids.push(created.submission.id);
    }
    const claimed = await Promise.all(ids.map(() => subs.claimNext()));
    expect(claimed.map((c) => c?.id).sort((a, b) => a! - b!)).toEqual(ids);
    for (const id of ids) await subs.markFailed(id, 'test', 'done with it');
  });

  const outcome = (points: number) => ({
    points, metric: 'accuracy', metricValue: 0.9, format: 'keras2-h5', backend: 'wasm', timings: { totalMs: 1 }, result: { hint: 'x' },
  });

  it('reuses the stored result for the same member, file and problem, recorded as a grade of its own', async () => {
    const first = await create(request('dee', 'same-file'));
    if (first.kind !== 'queued') throw new Error(first.kind);
    await subs.claimNext();
    await subs.markGraded(first.submission.id, outcome(4));
    const again = await create(request('dee', 'same-file'));
    if (again.kind !== 'reused') throw new Error(again.kind);
    // A row of its own, graded at once with the stored outcome: nothing was queued.
    expect(again.submission.id).not.toBe(first.submission.id);
    expect(again.submission).toMatchObject({
      status: 'graded', points: 4, metric: 'accuracy', metricValue: 0.9, result: { hint: 'x' }, fileSha256: 'same-file', week: '2026-W48', filesPath: null,
    });
    expect(await subs.claimNext()).toBeUndefined();
    // The same file for another problem is a new grade.
    expect((await create(request('dee', 'same-file', { problemId: 'linear-a' }))).kind).toBe('queued');
    await subs.markFailed((await subs.claimNext())!.id, 'test', 'done with it');
  });

  it('grades anew the same file uploaded by another member: it counts as that member\'s upload', async () => {
    const copy = await create(request('dee-friend', 'same-file'));
    expect(copy.kind).toBe('queued');
    await subs.markFailed((await subs.claimNext())!.id, 'test', 'done with it');
  });

  it('caps grades per member and hour, counting only grades that produced points', async () => {
    // Refused as no model, and failed on the bot's side: neither uses the cap.
    for (const [sha, code] of [['e-refused', 'not-a-model'], ['e-failed', 'dataset-unavailable']]) {
      expect((await create(request('eve', sha))).kind).toBe('queued');
      await subs.markFailed((await subs.claimNext())!.id, code, 'not graded');
      clock = new Date(clock.getTime() + 60_000);
    }
    const firstGradedAt = clock;
    for (let i = 0; i < 2; i++) {
      const created = await create(request('eve', `e${i}`));
      expect(created.kind).toBe('queued');
      await subs.markGraded((await subs.claimNext())!.id, outcome(i));
      clock = new Date(clock.getTime() + 60_000);
    }
    // A stored result reused ends with points too: it counts.
    expect((await create(request('eve', 'e0'))).kind).toBe('reused');
    const refused = await create(request('eve', 'e3'));
    expect(refused.kind).toBe('rate-limited');
    // Free again an hour after the first grade that counted, not after the first refusal.
    if (refused.kind === 'rate-limited') expect(refused.retryAt.getTime()).toBe(firstGradedAt.getTime() + 60 * 60 * 1000);
  });

  it('counts against the cap the models that used the grader to the end of a budget', async () => {
    // Out of time, out of memory, crashed the grading process twice: costly to grade, so they count.
    for (const [sha, code] of [['f-slow', 'timeout'], ['f-big', 'out-of-memory'], ['f-crash', 'grader-crashed']]) {
      expect((await create(request('fred', sha))).kind).toBe('queued');
      await subs.markFailed((await subs.claimNext())!.id, code, 'not graded');
      clock = new Date(clock.getTime() + 60_000);
    }
    expect((await create(request('fred', 'f-next'))).kind).toBe('rate-limited');
  });

  it('admits one grade in flight per member, and keeps the hourly cap, when requests race', async () => {
    const race = (round: number) => Promise.all(Array.from({ length: 8 }, (_, i) => create(request('gus', `race-${round}-${i}`))));
    // The first round's grade is refused (not a model): it stops counting once it has failed.
    for (let round = 0; round < 4; round++) {
      const outcomes = await race(round);
      expect(outcomes.map((o) => o.kind).sort()).toEqual(['busy', 'busy', 'busy', 'busy', 'busy', 'busy', 'busy', 'queued']);
      const queued = outcomes.find((o) => o.kind === 'queued');
      const id = queued!.kind === 'queued' ? queued!.submission.id : -1;
      if (round === 0) await subs.markFailed(id, 'not-a-model', 'not a model');
      else await subs.markGraded(id, outcome(5));
    }
    // Three graded this hour (the cap): every racing request is refused.
    expect(new Set((await race(4)).map((o) => o.kind))).toEqual(new Set(['rate-limited']));
  });

  it('has the database refuse a second queued row for a member, whoever writes it', async () => {
    const first = await create(request('hal', 'h1'));
    expect(first.kind).toBe('queued');
    try {
      const error = await handle.db
        .insert(submissions)
        .values({ ...request('hal', 'h2'), weight: 2, week: '2026-W48', status: 'queued', createdAt: clock })
        .catch((e: unknown) => e);
      // 23505: unique_violation, on the one-in-flight index.
      expect(error).toMatchObject({ cause: { code: '23505' } });
      expect(String((error as { cause: Error }).cause.message)).toContain('submissions_one_in_flight_idx');
    } finally {
      await subs.markFailed(first.kind === 'queued' ? first.submission.id : -1, 'test', 'done with it');
    }
  });

  it('takes back a grade whose lease expired, and fails it once its grader died twice', async () => {
    const holder = { owner: 'process-a', leaseMs: 30_000 };
    const created = await create(request('fay', 'f1'));
    if (created.kind !== 'queued') throw new Error(created.kind);
    expect((await subs.claimNext(holder))!.status).toBe('running');
    // Renewed before it expires: nothing to take back.
    clock = new Date(clock.getTime() + 20_000);
    expect(await subs.renewLeases([created.submission.id], holder)).toBe(1);
    clock = new Date(clock.getTime() + 20_000);
    expect(await subs.recoverExpired()).toEqual({ requeued: 0, failed: [] });
    // The process dies: its lease runs out, and any process puts the grade back.
    clock = new Date(clock.getTime() + 30_001);
    expect(await subs.recoverExpired()).toEqual({ requeued: 1, failed: [] });
    const again = await subs.claimNext({ owner: 'process-b', leaseMs: 30_000 });
    expect(again).toMatchObject({ id: created.submission.id, attempts: 2, crashes: 1 });
    // process-a cannot renew what process-b holds now.
    expect(await subs.renewLeases([created.submission.id], holder)).toBe(0);
    clock = new Date(clock.getTime() + 30_001);
    const { requeued, failed } = await subs.recoverExpired();
    expect(requeued).toBe(0);
    expect(failed).toEqual([expect.objectContaining({ id: created.submission.id, status: 'failed', errorCode: 'grader-crashed', crashes: 2 })]);
    expect(failed[0].error).toBe(GRADER_CRASHED_MESSAGE);
    expect(await subs.claimNext()).toBeUndefined();
  });

  it('hands a grade cut off by a clean stop back to the queue without counting a crash', async () => {
    const holder = { owner: 'process-c', leaseMs: 30_000 };
    const created = await create(request('gil', 'g1'));
    if (created.kind !== 'queued') throw new Error(created.kind);
    await subs.claimNext(holder);
    expect(await subs.handBack(created.submission.id, { owner: 'someone-else', leaseMs: 1 })).toBe(false);
    expect(await subs.handBack(created.submission.id, holder)).toBe(true);
    expect(await subs.get(created.submission.id)).toMatchObject({ status: 'queued', crashes: 0, leaseOwner: null });
    await subs.markFailed((await subs.claimNext())!.id, 'test', 'done with it');
  });

  it('fails an upload that was still being received when its process died, with a message for the member', async () => {
    const reserved = await subs.reserve(
      { guildId: 'g', userId: 'ida', userName: 'ida', problemId: 'mnist', fileName: 'model.h5' },
      { owner: 'process-d', leaseMs: 90_000 },
    );
    if (!reserved.ok) throw new Error('not reserved');
    expect(reserved.value.status).toBe('receiving');
    // While it is received, the member has a grade in flight.
    expect((await create(request('ida', 'other'))).kind).toBe('busy');
    clock = new Date(clock.getTime() + 90_001);
    const { failed } = await subs.recoverExpired();
    expect(failed).toEqual([expect.objectContaining({ id: reserved.value.id, status: 'failed', errorCode: 'upload-interrupted', error: UPLOAD_INTERRUPTED_MESSAGE })]);
    // Too late to receive it now.
    expect(await subs.received(reserved.value.id, { fileSha256: 'x', fileSize: 1 })).toBeUndefined();
  });

  it('records a grade once: a second recording, or one after the member deleted it, records nothing', async () => {
    const created = await create(request('jon', 'j1'));
    if (created.kind !== 'queued') throw new Error(created.kind);
    await subs.claimNext();
    const outcome = { points: 3, metric: 'accuracy', metricValue: 0.9, format: 'keras2-h5', backend: 'cpu', timings: {}, result: {} };
    expect(await subs.markGraded(created.submission.id, outcome)).toMatchObject({ status: 'graded', points: 3 });
    expect(await subs.markGraded(created.submission.id, { ...outcome, points: 5 })).toBeUndefined();
    expect(await subs.markFailed(created.submission.id, 'internal', 'late')).toBeUndefined();
    expect(await subs.get(created.submission.id)).toMatchObject({ status: 'graded', points: 3 });
    await handle.db.delete(submissions).where(eq(submissions.id, created.submission.id));
    expect(await subs.markGraded(created.submission.id, outcome)).toBeUndefined();
  });

  it('puts back a grade left running without a lease by an earlier version, and never sweeps the sweeper\'s own leases', async () => {
    const legacy = await create(request('kim', 'k1'));
    if (legacy.kind !== 'queued') throw new Error(legacy.kind);
    await handle.db.update(submissions).set({ status: 'running', leaseOwner: null, leaseExpiresAt: null }).where(eq(submissions.id, legacy.submission.id));
    const own = await create(request('lou', 'l1'));
    if (own.kind !== 'queued') throw new Error(own.kind);
    const holder = { owner: 'process-e', leaseMs: 1_000 };
    await subs.claimNext(holder); // kim's is running already: lou's is next
    clock = new Date(clock.getTime() + 5_000);
    // process-e's own lease lapsed (say, after an outage): it renews it rather than count itself dead.
    expect(await subs.recoverExpired({ exceptOwner: 'process-e' })).toEqual({ requeued: 1, failed: [] });
    expect(await subs.get(legacy.submission.id)).toMatchObject({ status: 'queued' });
    expect(await subs.get(own.submission.id)).toMatchObject({ status: 'running', leaseOwner: 'process-e' });
    await subs.markFailed(legacy.submission.id, 'test', 'done with it');
    await subs.markFailed(own.submission.id, 'test', 'done with it', holder);
  });
});
