import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guildSettings } from '../../src/db/schema.ts';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { GuildSettingsService } from '../../src/settings/guild-settings.ts';
import { openTestDatabase, testEngines } from '../support/db.ts';

describe.each(testEngines)('GuildSettingsService on %s', (engine) => {
  let handle: DatabaseHandle;
  let settings: GuildSettingsService;
  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    settings = new GuildSettingsService(handle.db, 'Europe/Berlin', () => new Date('2026-11-30T10:00:00Z'));
  });
  afterAll(async () => handle.close());

  it('gives defaults to a server that configured nothing', async () => {
    expect(await settings.get('g-new')).toEqual({
      guildId: 'g-new',
      timezone: 'Europe/Berlin',
      announcementChannelId: null,
      mockExamEnabled: true,
      winnerRoleId: null,
      gradeVisibility: 'ephemeral',
      quizBuiltinEnabled: true,
      quizOpenMinutes: 10,
      dailyTipTime: null,
      dailyQuizTime: null,
      weeklyPostTime: null,
      postsChangedAt: {},
      voucherMonths: 6,
      certificateYears: 3,
    });
  });

  it('answers a burst of reads with one query, and shows a change at once in the process that made it', async () => {
    const burst = Array.from({ length: 50 }, () => settings.get('g-burst'));
    expect(new Set(burst).size).toBe(1);
    expect((await burst[0]).gradeVisibility).toBe('ephemeral');
    const updated = await settings.update('g-burst', { gradeVisibility: 'public' });
    expect(updated).toMatchObject({ ok: true, value: { gradeVisibility: 'public' } });
    expect((await settings.get('g-burst')).gradeVisibility).toBe('public');
  });

  it('refuses a timezone that is not an IANA name, and saves nothing of that change', async () => {
    for (const typed of ['Mars/Olympus', 'local', '+01:00', '']) {
      const refused = await settings.update('g-tz', { timezone: typed, gradeVisibility: 'public' });
      expect(refused).toEqual({ ok: false, reason: { kind: 'unknown-timezone', typed } });
    }
    expect(await settings.get('g-tz')).toMatchObject({ timezone: 'Europe/Berlin', gradeVisibility: 'ephemeral' });
  });

  it('stores a timezone under its canonical IANA name, whatever its case', async () => {
    for (const [typed, canonical] of [
      ['europe/berlin', 'Europe/Berlin'],
      ['EUROPE/BERLIN', 'Europe/Berlin'],
      [' america/port-au-prince ', 'America/Port-au-Prince'],
      ['antarctica/dumontdurville', 'Antarctica/DumontDUrville'],
      ['utc', 'UTC'],
    ]) {
      const updated = await settings.update('g-case', { timezone: typed });
      expect(updated).toMatchObject({ ok: true, value: { timezone: canonical } });
      const [row] = await handle.db.select({ timezone: guildSettings.timezone }).from(guildSettings).where(eq(guildSettings.guildId, 'g-case'));
      expect(row.timezone).toBe(canonical);
    }
  });

  it('shows a timezone saved in another case before names were canonical under its canonical name', async () => {
    const at = new Date('2026-11-30T10:00:00Z');
    await handle.db.insert(guildSettings).values({ guildId: 'g-old', timezone: 'asia/tokyo', createdAt: at, updatedAt: at });
    expect((await settings.get('g-old')).timezone).toBe('Asia/Tokyo');
  });
});
