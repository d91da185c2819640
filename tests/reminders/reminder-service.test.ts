import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { examDates, reminders } from '../../src/db/schema.ts';
import { MAX_ACTIVE_REMINDERS, ReminderService, scheduleFromJson, scheduleToJson } from '../../src/reminders/reminder-service.ts';
import { nextOccurrence } from '../../src/reminders/when.ts';
import { GuildSettingsService } from '../../src/settings/guild-settings.ts';
import { openTestDatabase, testEngines } from '../support/db.ts';

describe('reminder schedules as stored', () => {
  it('round-trips each kind through JSON, a one-off as an ISO string', () => {
    const once = { kind: 'once' as const, at: new Date('2026-12-24T17:00:00.000Z') };
    expect(scheduleToJson(once)).toEqual({ kind: 'once', at: '2026-12-24T17:00:00.000Z' });
    for (const schedule of [once, { kind: 'daily' as const, time: '09:00' }, { kind: 'weekly' as const, weekday: 1, time: '19:30' }]) {
      expect(scheduleFromJson(JSON.parse(JSON.stringify(scheduleToJson(schedule))))).toEqual(schedule);
      expect(scheduleFromJson(JSON.stringify(scheduleToJson(schedule)))).toEqual(schedule);
    }
  });

  it('throws on a schedule no writer makes', () => {
    for (const json of [null, {}, { kind: 'once', at: 'soon' }, { kind: 'daily', time: '25:00' }, { kind: 'weekly', weekday: 8, time: '09:00' }, { kind: 'hourly' }]) {
      expect(() => scheduleFromJson(json)).toThrow(TypeError);
    }
  });
});

describe.each(testEngines)('ReminderService on %s', (engine) => {
  let handle: DatabaseHandle;
  let settings: GuildSettingsService;
  let service: ReminderService;
  // Monday 30 Nov 2026, 10:00 in Berlin.
  let now = new Date('2026-11-30T09:00:00Z');
  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    settings = new GuildSettingsService(handle.db, 'Europe/Berlin', () => now);
    service = new ReminderService(handle.db, () => now, settings);
  });
  afterAll(async () => handle.close());

  const member = (id: string) => ({ id, name: id });

  it('reads the member timezone, else the server one, and refuses an unknown one with examples', async () => {
    await settings.update('g-tz', { timezone: 'Asia/Tokyo' });
    expect(await service.timezoneOf('g-tz', 'u1')).toBe('Asia/Tokyo');
    expect(await service.setTimezone('g-tz', 'u1', 'america/new_york')).toEqual({ ok: true, value: 'America/New_York' });
    expect(await service.timezoneOf('g-tz', 'u1')).toBe('America/New_York');
    expect(await service.timezoneOf('g-tz', 'u2')).toBe('Asia/Tokyo');
    // Another server keeps its own default.
    expect(await service.timezoneOf('g-other', 'u1')).toBe('Europe/Berlin');
    const refusal = await service.setTimezone('g-tz', 'u1', 'Mars/`Olympus`');
    expect(refusal.ok).toBe(false);
    expect(!refusal.ok && refusal.reason).toContain("`Mars/'Olympus'` is not a timezone I know");
    expect(!refusal.ok && refusal.reason).toContain('`Europe/Berlin`');
    expect(await service.timezoneOf('g-tz', 'u1')).toBe('America/New_York');
  });

  it('stores a reminder in the member timezone with its first occurrence, as the delivery job reads it', async () => {
    await service.setTimezone('g-add', 'u1', 'America/New_York');
    const added = await service.add('g-add', member('u1'), { when: 'daily 09:00', text: '  Review the CNN notes ', dm: true, channelId: 'c1' });
    // 09:00 in New York on 30 Nov is 14:00 UTC, after now (09:00 UTC).
    expect(added).toEqual({
      ok: true,
      value: expect.objectContaining({ text: 'Review the CNN notes', dm: true, channelId: 'c1', timezone: 'America/New_York', nextAt: new Date('2026-11-30T14:00:00Z') }),
    });
    const [row] = await handle.db.select().from(reminders).where(eq(reminders.id, added.ok ? added.value.id : -1));
    expect(row).toMatchObject({ guildId: 'g-add', userId: 'u1', source: 'member', schedule: { kind: 'daily', time: '09:00' }, createdAt: now });
    // The engine's step after sending: the next local 09:00.
    expect(nextOccurrence(scheduleFromJson(row.schedule), row.timezone, row.nextAt!)).toEqual(new Date('2026-12-01T14:00:00Z'));

    const once = await service.add('g-add', member('u1'), { when: 'in 2h', text: 'Stretch', dm: false, channelId: 'c1' });
    expect(once.ok && once.value.nextAt).toEqual(new Date('2026-11-30T11:00:00Z'));
    const [onceRow] = await handle.db.select().from(reminders).where(eq(reminders.id, once.ok ? once.value.id : -1));
    expect(onceRow.schedule).toEqual({ kind: 'once', at: '2026-11-30T11:00:00.000Z' });
  });

  it('refuses times it cannot read or that are past, and text that is empty, long, or could ping', async () => {
    const add = (when: string, text = 'Study') => service.add('g-bad', member('u1'), { when, text, dm: false, channelId: 'c1' });
    const reason = async (when: string, text?: string) => {
      const result = await add(when, text);
      expect(result.ok).toBe(false);
      return result.ok ? '' : result.reason;
    };
    expect(await reason('2026-11-29 18:00')).toContain('is in the past');
    expect(await reason('next blue moon')).toContain("couldn't read");
    expect(await reason('in 2h', '   ')).toContain('needs a text');
    expect(await reason('in 2h', 'x'.repeat(501))).toContain('501 characters; the limit is 500');
    expect(await reason('in 2h', 'wake up @everyone')).toContain('mass mentions are not allowed');
    expect(await reason('in 2h', 'ping <@123>')).toContain('user and role mentions');
    expect(await reason('in 2h', 'join discord.gg/abc')).toContain('invite');
    expect(await reason('in 2h', 'hidden\u200Btext')).toContain('U+200B');
    expect((await add('in 2h', 'x'.repeat(500))).ok).toBe(true);
    const stored = await handle.db.select().from(reminders).where(eq(reminders.guildId, 'g-bad'));
    expect(stored).toHaveLength(1);
  });

  it('allows 25 active reminders per member and server; a delivered one-off frees its place', async () => {
    const add = (userId: string, guildId = 'g-cap') => service.add(guildId, member(userId), { when: 'in 1 day', text: 'Quiz', dm: false, channelId: 'c1' });
    // At once: the cap holds under concurrent adds.
    const results = await Promise.all(Array.from({ length: MAX_ACTIVE_REMINDERS + 3 }, () => add('u1')));
    expect(results.filter((r) => r.ok)).toHaveLength(MAX_ACTIVE_REMINDERS);
    const refusal = results.find((r) => !r.ok);
    expect(refusal?.ok === false && refusal.reason).toContain('25 active reminders');
    expect((await add('u2')).ok).toBe(true);
    expect((await add('u1', 'g-elsewhere')).ok).toBe(true);
    // The engine delivered one: next_at is null and it no longer counts.
    const first = results.find((r) => r.ok)!;
    await handle.db.update(reminders).set({ nextAt: null }).where(eq(reminders.id, first.ok ? first.value.id : -1));
    expect((await add('u1')).ok).toBe(true);
    expect((await add('u1')).ok).toBe(false);
  });

  it('lists a member own active reminders, next first, and deletes only their own', async () => {
    const add = (userId: string, when: string, text: string) => service.add('g-list', member(userId), { when, text, dm: false, channelId: 'c1' });
    const later = await add('u1', 'in 3 days', 'Later');
    const sooner = await add('u1', 'in 1h', 'Sooner');
    const theirs = await add('u2', 'in 1h', 'Theirs');
    expect((await service.list('g-list', 'u1')).map((r) => r.text)).toEqual(['Sooner', 'Later']);
    const theirId = theirs.ok ? theirs.value.id : -1;
    expect(await service.delete('g-list', 'u1', theirId)).toEqual({ ok: false, reason: expect.stringContaining(`no active reminder #${theirId}`) });
    expect(await service.list('g-list', 'u2')).toHaveLength(1);
    expect(await service.delete('g-list', 'u1', sooner.ok ? sooner.value.id : -1)).toMatchObject({ ok: true, value: { text: 'Sooner' } });
    expect((await service.list('g-list', 'u1')).map((r) => r.text)).toEqual(['Later']);
    expect((await service.delete('g-list', 'u1', sooner.ok ? sooner.value.id : -1)).ok).toBe(false);
    for (const id of [Number.NaN, 0, 2 ** 40]) expect((await service.delete('g-list', 'u1', id)).ok).toBe(false);
    expect(later.ok).toBe(true);
  });

  it('schedules an exam countdown by DM in the member timezone, and replaces it when the date changes', async () => {
    await service.setTimezone('g-exam', 'u1', 'Europe/Berlin');
    const set = await service.setExamDate('g-exam', member('u1'), 'exam', '2027-01-15', 'c-study');
    expect(set.ok).toBe(true);
    if (!set.ok) return;
    expect(set.value).toMatchObject({ kind: 'exam', date: '2027-01-15', timezone: 'Europe/Berlin', rules: { voucherMonths: 6, certificateYears: 3 }, line: 'Exam: Fri 15 Jan 2027' });
    // 30 days before (16 Dec) is after now; all seven are still ahead.
    expect(set.value.scheduled.map((r) => r.nextAt.toISOString())).toEqual([
      '2026-12-16T08:00:00.000Z',
      '2027-01-01T08:00:00.000Z',
      '2027-01-08T08:00:00.000Z',
      '2027-01-12T08:00:00.000Z',
      '2027-01-14T08:00:00.000Z',
      '2027-01-15T07:00:00.000Z',
      '2027-01-16T17:00:00.000Z',
    ]);
    const rows = await handle.db.select().from(reminders).where(and(eq(reminders.guildId, 'g-exam'), eq(reminders.userId, 'u1')));
    expect(rows.map((r) => r.source).sort()).toEqual(
      ['exam-1d', 'exam-14d', 'exam-30d', 'exam-3d', 'exam-7d', 'exam-after', 'exam-day'].map((key) => `exam:exam:${key}`).sort(),
    );
    for (const row of rows) {
      expect(row).toMatchObject({ dm: true, channelId: 'c-study', timezone: 'Europe/Berlin' });
      expect(scheduleFromJson(row.schedule)).toEqual({ kind: 'once', at: row.nextAt });
    }

    // A voucher is its own countdown: the exam's stays.
    const voucher = await service.setExamDate('g-exam', member('u1'), 'voucher', '2026-10-01', 'c-study');
    expect(voucher.ok && voucher.value.line).toBe('Voucher: bought Thu 1 Oct 2026, expires Thu 1 Apr 2027 (valid 6 months)');
    expect(voucher.ok && voucher.value.scheduled.map((r) => r.text)).toEqual([expect.stringContaining('expires in 30 days'), expect.stringContaining('expires in a week')]);

    // A later exam date: the old countdown is gone, a delivered reminder stays as history.
    const delivered = rows.find((r) => r.source === 'exam:exam:exam-30d')!;
    await handle.db.update(reminders).set({ nextAt: null }).where(eq(reminders.id, delivered.id));
    now = new Date('2026-12-20T09:00:00Z');
    const moved = await service.setExamDate('g-exam', member('u1'), 'exam', '2027-01-05', 'c-other');
    expect(moved.ok && moved.value.scheduled.map((r) => r.nextAt.toISOString())).toEqual([
      '2026-12-22T08:00:00.000Z',
      '2026-12-29T08:00:00.000Z',
      '2027-01-02T08:00:00.000Z',
      '2027-01-04T08:00:00.000Z',
      '2027-01-05T07:00:00.000Z',
      '2027-01-06T17:00:00.000Z',
    ]);
    const after = await handle.db.select().from(reminders).where(and(eq(reminders.guildId, 'g-exam'), eq(reminders.userId, 'u1')));
    expect(after.filter((r) => r.source.startsWith('exam:exam:') && r.nextAt !== null)).toHaveLength(6);
    expect(after.filter((r) => r.source.startsWith('exam:exam:') && r.nextAt !== null).every((r) => r.channelId === 'c-other')).toBe(true);
    expect(after.find((r) => r.id === delivered.id)).toBeDefined();
    expect(after.filter((r) => r.source.startsWith('exam:voucher:'))).toHaveLength(2);
    expect(await handle.db.select().from(examDates).where(eq(examDates.guildId, 'g-exam'))).toHaveLength(2);
    // Exam reminders are not the member's own: they neither count nor show in /remind list.
    expect(await service.list('g-exam', 'u1')).toEqual([]);
  });

  it('refuses a date that is not one, and follows the server rules for validity', async () => {
    expect(await service.setExamDate('g-rules', member('u1'), 'exam', '15/01/2027', 'c1')).toEqual({ ok: false, reason: expect.stringContaining('YYYY-MM-DD') });
    expect(await service.setExamDate('g-rules', member('u1'), 'exam', '2027-02-30', 'c1')).toEqual({ ok: false, reason: expect.stringContaining('not a date on the calendar') });
    await settings.update('g-rules', { voucherMonths: 12, certificateYears: 2 });
    const voucher = await service.setExamDate('g-rules', member('u1'), 'voucher', '2026-10-01', 'c1');
    expect(voucher.ok && voucher.value).toMatchObject({ expires: '2027-10-01', line: expect.stringContaining('valid 12 months') });
    const certified = await service.setExamDate('g-rules', member('u1'), 'certified', '2026-06-01', 'c1');
    expect(certified.ok && certified.value).toMatchObject({ expires: '2028-06-01', line: expect.stringContaining('valid 2 years') });
  });

  it('shows each saved date with its next reminder in /exam status order', async () => {
    now = new Date('2026-11-30T09:00:00Z');
    expect(await service.examStatus('g-status', 'u1')).toEqual({ timezone: 'Europe/Berlin', rules: { voucherMonths: 6, certificateYears: 3 }, dates: [] });
    await service.setExamDate('g-status', member('u1'), 'certified', '2024-01-10', 'c1');
    await service.setExamDate('g-status', member('u1'), 'exam', '2026-12-03', 'c1');
    const { dates: status } = await service.examStatus('g-status', 'u1');
    expect(status.map((s) => s.kind)).toEqual(['exam', 'certified']);
    expect(status[0]).toMatchObject({ date: '2026-12-03', line: 'Exam: Thu 3 Dec 2026', next: { nextAt: new Date('2026-12-02T08:00:00Z') } });
    expect(status[1]).toMatchObject({ date: '2024-01-10', expires: '2027-01-10', next: { nextAt: new Date('2026-12-11T08:00:00Z') } });
    expect((await service.examStatus('g-status', 'u2')).dates).toEqual([]);
  });
});
