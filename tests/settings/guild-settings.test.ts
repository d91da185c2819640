import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('refuses a timezone that is not an IANA name, saying what would do', async () => {
    const refused = await settings.update('g-tz', { timezone: 'Mars/Olympus' });
    expect(refused).toEqual({ ok: false, reason: expect.stringContaining('"Mars/Olympus" is not an IANA timezone name') });
  });
});
