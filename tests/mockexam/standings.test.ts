import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { MockExamService } from '../../src/mockexam/mock-exam-service.ts';
import { GuildSettingsService } from '../../src/settings/guild-settings.ts';
import { SubmissionService } from '../../src/submissions/submission-service.ts';
import { problemCatalog } from '../../problems/index.ts';
import { createSubmission, type NewSubmission } from '../support/submissions.ts';
import { openTestDatabase, testEngines } from '../support/db.ts';

const SET = ['linear-a', 'mnist', 'horse-or-human', 'bbc-news', 'sunspots'];

describe.each(testEngines)('mock exam standings on %s', (engine) => {
  let handle: DatabaseHandle;
  let clock: Date;
  let settings: GuildSettingsService;
  let exams: MockExamService;
  let subs: SubmissionService;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    clock = new Date('2026-11-25T12:00:00Z'); // Wednesday of 2026-W48
    settings = new GuildSettingsService(handle.db, 'UTC', () => clock);
    exams = new MockExamService(handle.db, settings, problemCatalog, () => clock);
    subs = new SubmissionService(handle.db, exams, problemCatalog, { perHour: 100 }, () => clock);
  });
  afterAll(async () => handle.close());

  /** The created submission or the refusal, whichever it is: both carry a `kind`. */
  const create = async (input: NewSubmission) => {
    const created = await createSubmission(subs, input);
    return created.ok ? created.value : created.reason;
  };

  /** Creates, claims and grades a submission, as the queue does. */
  async function grade(guildId: string, userId: string, problemId: string, points: number, sha = `${userId}-${problemId}-${points}-${Math.random()}`) {
    const created = await create({ guildId, userId, userName: userId, problemId, fileName: 'model.h5', fileSha256: sha, fileSize: 10 });
    if (created.kind !== 'queued') throw new Error(`not queued: ${created.kind}`);
    const claimed = await subs.claimNext();
    expect(claimed?.id).toBe(created.submission.id);
    return subs.markGraded(created.submission.id, {
      points,
      metric: 'accuracy',
      metricValue: 0.9,
      format: 'keras2-h5',
      backend: 'cpu',
      timings: { totalMs: 1 },
      result: {},
    });
  }

  it('builds the weekly board from each member\'s best attempt per problem, weighted by category', async () => {
    const g = 'guild-board';
    await exams.setProblemSet(g, '2026-W48', SET, 'mod');
    await grade(g, 'ada', 'linear-a', 3);
    await grade(g, 'ada', 'linear-a', 5); // the best attempt counts
    await grade(g, 'ada', 'sunspots', 4);
    await grade(g, 'bob', 'mnist', 5);
    await grade(g, 'bob', 'bbc-news', 4);
    await grade(g, 'bob', 'linear-b', 5); // not in this week's set: practice only
    const board = await exams.board(g, '2026-W48', 'week', 'bob');
    // ada: 5x1 + 4x5 = 25 -> 33.3; bob: 5x2 + 4x4 = 26 -> 34.7
    expect(board.top.map((r) => [r.userId, r.rank, Number(r.score.toFixed(1))])).toEqual([
      ['bob', 1, 34.7],
      ['ada', 2, 33.3],
    ]);
    expect(board.caller).toMatchObject({ userId: 'bob', rank: 1, pointsByProblem: { mnist: 5, 'bbc-news': 4 } });
    expect(board.closed).toBe(false);
  });

  it('gives tied members the same rank', async () => {
    const g = 'guild-ties';
    await exams.setProblemSet(g, '2026-W48', SET, 'mod');
    await grade(g, 'a', 'mnist', 5);
    await grade(g, 'b', 'mnist', 5);
    await grade(g, 'c', 'linear-a', 1);
    const board = await exams.board(g, '2026-W48', 'week', 'c');
    expect(board.top.map((r) => r.rank)).toEqual([1, 1, 3]);
  });

  it('never shows one server\'s members on another server\'s board', async () => {
    await grade('guild-x', 'xavier', 'mnist', 5);
    await grade('guild-y', 'yuki', 'mnist', 2);
    const x = await exams.board('guild-x', '2026-W48', 'week', 'yuki');
    const y = await exams.board('guild-y', '2026-W48', 'week', 'xavier');
    expect(x.top.map((r) => r.userId)).toEqual(['xavier']);
    expect(x.caller).toBeUndefined();
    expect(y.top.map((r) => r.userId)).toEqual(['yuki']);
    expect((await exams.allTime('guild-x', 'yuki')).top.map((r) => r.userId)).toEqual(['xavier']);
  });

  it('keeps a closed week\'s standings; later grades count for the new week', async () => {
    const g = 'guild-close';
    await settings.update(g, { timezone: 'Asia/Tokyo' });
    clock = new Date('2026-11-29T14:00:00Z'); // Sunday 23:00 in Tokyo, still W48 there
    await exams.setProblemSet(g, '2026-W48', SET, 'mod');
    await grade(g, 'ada', 'mnist', 4);
    const late = await create({ guildId: g, userId: 'bob', userName: 'bob', problemId: 'mnist', fileName: 'm.h5', fileSha256: 'late', fileSize: 1 });
    expect(late.kind === 'queued' && late.submission.week).toBe('2026-W48');

    clock = new Date('2026-11-29T15:30:00Z'); // Monday 00:30 in Tokyo: W48 has ended there, not in UTC
    expect(await exams.weeksToClose()).toContainEqual({ guildId: g, week: '2026-W48' });
    const closed = await exams.closeWeek(g, '2026-W48');
    expect(closed.newlyClosed).toBe(true);
    expect(closed.week.map((r) => r.userId)).toEqual(['ada']);
    expect((await exams.closeWeek(g, '2026-W48')).newlyClosed).toBe(false);
    expect(await exams.weeksToClose()).not.toContainEqual({ guildId: g, week: '2026-W48' });

    // bob's grade finishes after the close: it counts for W49, and W48 does not change.
    await subs.claimNext();
    if (late.kind !== 'queued') throw new Error('expected queued');
    const graded = await subs.markGraded(late.submission.id, {
      points: 5, metric: 'accuracy', metricValue: 0.99, format: 'keras2-h5', backend: 'cpu', timings: {}, result: {},
    });
    expect(graded?.week).toBe('2026-W49');
    const w48 = await exams.board(g, '2026-W48', 'week', 'bob');
    expect(w48.closed).toBe(true);
    expect(w48.top.map((r) => r.userId)).toEqual(['ada']);
    expect(w48.caller).toBeUndefined();
    expect((await exams.setProblemSet(g, '2026-W48', SET, 'mod')).ok).toBe(false);
    clock = new Date('2026-11-25T12:00:00Z');
  });

  it('closes the due weeks of the servers it is given only, as each shard closes those of its own', async () => {
    await grade('guild-shard-a', 'ada', 'mnist', 3);
    await grade('guild-shard-b', 'bob', 'mnist', 3);
    clock = new Date('2026-12-01T12:00:00Z'); // Tuesday of W49: W48 has ended everywhere
    const onShardA = await exams.closeDueWeeks((guildId) => guildId === 'guild-shard-a');
    expect(onShardA.map((w) => [w.guildId, w.week])).toEqual([['guild-shard-a', '2026-W48']]);
    expect(await exams.isClosed('guild-shard-b', '2026-W48')).toBe(false);
    const onShardB = await exams.closeDueWeeks((guildId) => guildId === 'guild-shard-b');
    expect(onShardB.map((w) => [w.guildId, w.week])).toEqual([['guild-shard-b', '2026-W48']]);
    expect(onShardB[0].standings.map((r) => r.userId)).toEqual(['bob']);
    clock = new Date('2026-11-25T12:00:00Z');
  });

  it('keeps a separate board for the 5-hour timed attempt, once per week', async () => {
    const g = 'guild-timed';
    await exams.setProblemSet(g, '2026-W48', SET, 'mod');
    await grade(g, 'ada', 'mnist', 3); // before the window: week board only
    const started = await exams.startTimedAttempt(g, 'ada');
    expect(started.ok).toBe(true);
    expect((await exams.startTimedAttempt(g, 'ada')).ok).toBe(false);
    clock = new Date(clock.getTime() + 60 * 60 * 1000);
    await grade(g, 'ada', 'linear-a', 5); // inside the window
    clock = new Date(clock.getTime() + 5 * 60 * 60 * 1000);
    await grade(g, 'ada', 'sunspots', 5); // after it
    const timed = await exams.board(g, '2026-W48', 'timed', 'ada');
    expect(timed.caller?.pointsByProblem).toEqual({ 'linear-a': 5 });
    const week = await exams.board(g, '2026-W48', 'week', 'ada');
    expect(week.caller?.pointsByProblem).toEqual({ mnist: 3, 'linear-a': 5, sunspots: 5 });
    clock = new Date('2026-11-25T12:00:00Z');
  });

  it('counts a re-upload of a file graded in an earlier week on this week\'s board, and on the timed board inside the window', async () => {
    const g = 'guild-reupload';
    await exams.setProblemSet(g, '2026-W48', SET, 'mod');
    await grade(g, 'ada', 'mnist', 5, 'ada-mnist-file');
    clock = new Date('2026-12-02T12:00:00Z'); // W49
    await exams.setProblemSet(g, '2026-W49', SET, 'mod');
    const reupload = () =>
      create({ guildId: g, userId: 'ada', userName: 'ada', problemId: 'mnist', fileName: 'again.h5', fileSha256: 'ada-mnist-file', fileSize: 10 });
    const again = await reupload();
    expect(again).toMatchObject({ kind: 'reused', submission: { week: '2026-W49', points: 5, timed: false } });
    expect((await exams.board(g, '2026-W49', 'week', 'ada')).caller?.pointsByProblem).toEqual({ mnist: 5 });
    expect((await exams.board(g, '2026-W49', 'timed', 'ada')).caller).toBeUndefined();
    // W48's board keeps what it had; the reply tells where the reuse counts.
    expect((await exams.board(g, '2026-W48', 'week', 'ada')).caller?.pointsByProblem).toEqual({ mnist: 5 });
    if (again.kind !== 'reused') throw new Error(again.kind);
    expect(await exams.countingOf(again.submission)).toEqual({ week: '2026-W49', inWeekSet: true, timed: false });

    // Inside the timed window, the same file counts on the timed board too.
    expect((await exams.startTimedAttempt(g, 'ada')).ok).toBe(true);
    clock = new Date(clock.getTime() + 60_000);
    const timed = await reupload();
    expect(timed).toMatchObject({ kind: 'reused', submission: { week: '2026-W49', points: 5, timed: true } });
    expect((await exams.board(g, '2026-W49', 'timed', 'ada')).caller?.pointsByProblem).toEqual({ mnist: 5 });
    clock = new Date('2026-11-25T12:00:00Z');
  });

  it('tells a grade for a problem outside the week\'s set from one in it, and says nothing while mock exams are off', async () => {
    const g = 'guild-outside';
    await exams.setProblemSet(g, '2026-W48', SET, 'mod');
    const inSet = (await grade(g, 'ada', 'linear-a', 5))!;
    const outside = (await grade(g, 'ada', 'linear-b', 5))!;
    expect(await exams.countingOf(inSet)).toEqual({ week: '2026-W48', inWeekSet: true, timed: false });
    expect(await exams.countingOf(outside)).toEqual({ week: '2026-W48', inWeekSet: false, timed: false });
    expect((await exams.board(g, '2026-W48', 'week', 'ada')).caller?.pointsByProblem).toEqual({ 'linear-a': 5 });
    await settings.update(g, { mockExamEnabled: false });
    expect(await exams.countingOf(outside)).toBeUndefined();
  });

  it('sums weekly exam scores into the all-time board', async () => {
    const g = 'guild-alltime';
    await exams.setProblemSet(g, '2026-W48', SET, 'mod');
    await grade(g, 'ada', 'sunspots', 5); // 25 / 75
    await exams.closeWeek(g, '2026-W48');
    clock = new Date('2026-12-02T12:00:00Z'); // W49
    await exams.setProblemSet(g, '2026-W49', SET, 'mod');
    await grade(g, 'ada', 'mnist', 5); // 10 / 75
    await grade(g, 'bob', 'sunspots', 5); // 25 / 75
    const all = await exams.allTime(g, 'ada');
    expect(all.top.map((r) => [r.userId, Number(r.score.toFixed(2)), r.weeks])).toEqual([
      ['ada', 46.67, 2],
      ['bob', 33.33, 1],
    ]);
    clock = new Date('2026-11-25T12:00:00Z');
  });
});
