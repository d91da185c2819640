// What a board says about itself: its week's problems, whether it is the live (current, open) week,
// and, for the all-time board, how many weeks it sums.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { submissions } from '../../src/db/schema.ts';
import { MockExamService } from '../../src/mockexam/mock-exam-service.ts';
import { GuildSettingsService } from '../../src/settings/guild-settings.ts';
import { problemCatalog } from '../../problems/index.ts';
import { openTestDatabase, testEngines } from '../support/db.ts';

const SET = ['linear-a', 'mnist', 'horse-or-human', 'bbc-news', 'daily-max-temperatures'];

describe.each(testEngines)('mock exam boards on %s', (engine) => {
  let handle: DatabaseHandle;
  let clock: Date;
  let settings: GuildSettingsService;
  let exams: MockExamService;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    clock = new Date('2026-11-25T12:00:00Z'); // Wednesday of 2026-W48
    settings = new GuildSettingsService(handle.db, 'UTC', () => clock);
    exams = new MockExamService(handle.db, settings, problemCatalog, () => clock);
  });
  afterAll(async () => handle.close());

  /** A graded submission as the queue records it. */
  async function graded(guildId: string, userId: string, week: string, problemId: string, points: number): Promise<void> {
    const weight = problemCatalog.find((p) => p.id === problemId)!.weight;
    await handle.db.insert(submissions).values({
      guildId,
      userId,
      userName: userId,
      problemId,
      weight,
      week,
      status: 'graded',
      points,
      fileName: 'model.h5',
      fileSha256: `${userId}-${problemId}-${week}`,
      fileSize: 1,
      createdAt: clock,
    });
  }

  it('is live only in the current week, and final once the week is over, closed or not', async () => {
    const g = 'guild-live';
    await exams.setProblemSet(g, '2026-W48', SET, 'mod');
    await graded(g, 'ada', '2026-W48', 'mnist', 5);
    const current = await exams.board(g, '2026-W48', 'week', 'ada');
    expect(current).toMatchObject({ live: true, closed: false, problemIds: SET, members: 1 });

    // An old week nobody graded in is never closed (there is nothing to record), and not live.
    expect(await exams.board(g, '2026-W40', 'week', 'ada')).toMatchObject({ live: false, closed: false, members: 0 });

    // Monday of the next week: W48 is over before the closing job has recorded it, then recorded.
    clock = new Date('2026-11-30T00:01:00Z');
    expect(await exams.board(g, '2026-W48', 'week', 'ada')).toMatchObject({ live: false, closed: false, members: 1 });
    await exams.closeWeek(g, '2026-W48');
    expect(await exams.board(g, '2026-W48', 'week', 'ada')).toMatchObject({ live: false, closed: true, problemIds: SET, members: 1 });
    expect((await exams.board(g, '2026-W49', 'week', 'ada')).live).toBe(true);
    clock = new Date('2026-11-25T12:00:00Z');
  });

  it('follows the server\'s timezone: a week already over there is not live', async () => {
    const g = 'guild-kiritimati';
    await settings.update(g, { timezone: 'Pacific/Kiritimati' }); // UTC+14
    // Sunday 12:00 UTC is Monday 02:00 in Kiritimati: W48 has ended there, W49 is live.
    clock = new Date('2026-11-29T12:00:00Z');
    expect((await exams.board(g, '2026-W48', 'week', 'ada')).live).toBe(false);
    expect((await exams.board(g, '2026-W49', 'week', 'ada')).live).toBe(true);
    clock = new Date('2026-11-25T12:00:00Z');
  });

  it('counts the weeks the all-time board sums, closed and open', async () => {
    const g = 'guild-all-time';
    for (const week of ['2026-W46', '2026-W47', '2026-W48']) await exams.setProblemSet(g, week, SET, 'mod');
    await graded(g, 'ada', '2026-W46', 'linear-a', 5);
    await graded(g, 'bob', '2026-W47', 'linear-a', 5);
    await exams.closeWeek(g, '2026-W46');
    await graded(g, 'ada', '2026-W48', 'linear-a', 3);
    const all = await exams.allTime(g, 'ada');
    expect(all.weeks).toBe(3);
    expect(all.members).toBe(2);
    expect(all.caller).toMatchObject({ userId: 'ada', weeks: 2 });
    expect((await exams.allTime('guild-nobody', 'ada')).weeks).toBe(0);
  });
});
