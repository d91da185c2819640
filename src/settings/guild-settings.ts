// Per-server settings with their defaults. A server that never ran /config has no row.
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { guildSettings } from '../db/schema.ts';
import { isValidTimezone } from '../mockexam/week.ts';
import type { Clock } from '../clock.ts';
import { ok, refused, type Result } from '../result.ts';

export type GradeVisibility = 'ephemeral' | 'public';

export type GuildSettings = {
  guildId: string;
  timezone: string;
  announcementChannelId: string | null;
  mockExamEnabled: boolean;
  winnerRoleId: string | null;
  gradeVisibility: GradeVisibility;
};

export type GuildSettingsPatch = Partial<Omit<GuildSettings, 'guildId'>>;

/**
 * How long settings read from the database are reused. Handlers read them before acknowledging an
 * interaction (within Discord's 3 seconds), so a burst of commands should not queue on the
 * database; a change made in another process shows here after at most this long.
 */
const CACHE_MS = 30_000;

export class GuildSettingsService {
  /** Settings by server, as a promise so that concurrent reads share one query. */
  private readonly cache = new Map<string, { settings: Promise<GuildSettings>; readAt: number }>();

  constructor(
    private readonly db: Database,
    private readonly defaultTimezone: string,
    private readonly now: Clock,
  ) {}

  get(guildId: string): Promise<GuildSettings> {
    const cached = this.cache.get(guildId);
    // Elapsed time, not a moment: the monotonic clock.
    if (cached && performance.now() - cached.readAt < CACHE_MS) return cached.settings;
    const settings = this.read(guildId);
    this.cache.set(guildId, { settings, readAt: performance.now() });
    settings.catch(() => {
      if (this.cache.get(guildId)?.settings === settings) this.cache.delete(guildId);
    });
    return settings;
  }

  private async read(guildId: string): Promise<GuildSettings> {
    const [row] = await this.db.select().from(guildSettings).where(eq(guildSettings.guildId, guildId));
    return {
      guildId,
      timezone: row?.timezone ?? this.defaultTimezone,
      announcementChannelId: row?.announcementChannelId ?? null,
      mockExamEnabled: row?.mockExamEnabled ?? true,
      winnerRoleId: row?.winnerRoleId ?? null,
      gradeVisibility: row?.gradeVisibility ?? 'ephemeral',
    };
  }

  /** Applies a change; a timezone that is not an IANA name is refused with a message. */
  async update(guildId: string, patch: GuildSettingsPatch): Promise<Result<GuildSettings>> {
    if (patch.timezone !== undefined && !isValidTimezone(patch.timezone)) {
      return refused(`"${patch.timezone}" is not an IANA timezone name (for example Europe/Berlin, America/New_York, Asia/Jakarta, UTC).`);
    }
    const now = this.now();
    const values = { ...patch, updatedAt: now };
    await this.db
      .insert(guildSettings)
      .values({ guildId, ...values, createdAt: now })
      .onConflictDoUpdate({ target: guildSettings.guildId, set: values });
    this.cache.delete(guildId);
    return ok(await this.get(guildId));
  }

  /** Servers whose settings row exists (those that configured something), for scheduled jobs. */
  async configuredGuilds(): Promise<GuildSettings[]> {
    const rows = await this.db.select({ guildId: guildSettings.guildId }).from(guildSettings);
    return Promise.all(rows.map((r) => this.get(r.guildId)));
  }
}
