// Per-server settings with their defaults. A server that never ran /config has no row.
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { guildSettings } from '../db/schema.ts';
import type { Clock } from '../clock.ts';
import { ok, refused, type Result } from '../result.ts';
import { canonicalTimezone } from '../timezone.ts';

export type GradeVisibility = 'ephemeral' | 'public';

export type GuildSettings = {
  guildId: string;
  timezone: string;
  announcementChannelId: string | null;
  mockExamEnabled: boolean;
  winnerRoleId: string | null;
  gradeVisibility: GradeVisibility;
  /** /quiz serves the built-in question bank here. */
  quizBuiltinEnabled: boolean;
  /** How long a posted question stays open. */
  quizOpenMinutes: number;
  /** Local HH:MM of each scheduled post in the announcement channel; null when off. */
  dailyTipTime: string | null;
  dailyQuizTime: string | null;
  weeklyPostTime: string | null;
  /** When each post's time last changed, by setting (the channel or the timezone changes all). */
  postsChangedAt: Partial<Record<PostTimeSetting, Date>>;
  voucherMonths: number;
  certificateYears: number;
};

export type GuildSettingsPatch = Partial<Omit<GuildSettings, 'guildId' | 'postsChangedAt'>>;

/** A post's time of day: 24-hour HH:MM. */
export const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
export const POST_TIMES = ['dailyTipTime', 'dailyQuizTime', 'weeklyPostTime'] as const;
export type PostTimeSetting = (typeof POST_TIMES)[number];
export const VOUCHER_MONTHS_RANGE = { min: 1, max: 24 } as const;
export const CERTIFICATE_YEARS_RANGE = { min: 1, max: 10 } as const;

export const DEFAULT_QUIZ_OPEN_MINUTES = 10;
/** From a quick question to one left open for the day. */
export const QUIZ_OPEN_MINUTES_RANGE = { min: 1, max: 24 * 60 } as const;

/** Why a change was refused; `typed` is what the moderator typed, to be shown as text. */
export type SettingsRefusal =
  | { kind: 'unknown-timezone'; typed: string }
  | { kind: 'quiz-minutes-out-of-range'; typed: string }
  | { kind: 'bad-time-of-day'; setting: PostTimeSetting; typed: string };

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
    return this.settingsOf(guildId, row);
  }

  private settingsOf(guildId: string, row: typeof guildSettings.$inferSelect | undefined): GuildSettings {
    return {
      guildId,
      // Rows saved before names were stored canonically may hold another spelling.
      timezone: row?.timezone ? (canonicalTimezone(row.timezone) ?? row.timezone) : this.defaultTimezone,
      announcementChannelId: row?.announcementChannelId ?? null,
      mockExamEnabled: row?.mockExamEnabled ?? true,
      winnerRoleId: row?.winnerRoleId ?? null,
      gradeVisibility: row?.gradeVisibility ?? 'ephemeral',
      quizBuiltinEnabled: row?.quizBuiltinEnabled ?? true,
      quizOpenMinutes: row?.quizOpenMinutes ?? DEFAULT_QUIZ_OPEN_MINUTES,
      dailyTipTime: row?.dailyTipTime ?? null,
      dailyQuizTime: row?.dailyQuizTime ?? null,
      weeklyPostTime: row?.weeklyPostTime ?? null,
      postsChangedAt: Object.fromEntries(Object.entries(row?.postsChangedAt ?? {}).map(([setting, at]) => [setting, new Date(at)])),
      voucherMonths: row?.voucherMonths ?? 6,
      certificateYears: row?.certificateYears ?? 3,
    };
  }

  /**
   * Applies a change. A timezone is stored under its canonical IANA name ("europe/berlin" becomes
   * "Europe/Berlin"); one that names no zone is refused.
   */
  async update(guildId: string, patch: GuildSettingsPatch): Promise<Result<GuildSettings, SettingsRefusal>> {
    if (patch.quizOpenMinutes !== undefined) {
      const minutes = patch.quizOpenMinutes;
      if (!Number.isInteger(minutes) || minutes < QUIZ_OPEN_MINUTES_RANGE.min || minutes > QUIZ_OPEN_MINUTES_RANGE.max) {
        return refused({ kind: 'quiz-minutes-out-of-range', typed: String(minutes) });
      }
    }
    for (const setting of POST_TIMES) {
      const time = patch[setting];
      if (typeof time === 'string' && !TIME_OF_DAY.test(time)) return refused({ kind: 'bad-time-of-day', setting, typed: time });
    }
    let timezone = patch.timezone;
    if (timezone !== undefined) {
      timezone = canonicalTimezone(timezone);
      if (timezone === undefined) return refused({ kind: 'unknown-timezone', typed: patch.timezone! });
    }
    const now = this.now();
    // A post whose time (or the channel or timezone of all posts) really changes starts its schedule
    // afresh: nothing before the change is due. Setting a value to what it was changes nothing.
    const [row] = await this.db.select().from(guildSettings).where(eq(guildSettings.guildId, guildId));
    const before = this.settingsOf(guildId, row);
    const wholeSchedule = (patch.announcementChannelId !== undefined && patch.announcementChannelId !== before.announcementChannelId) || (timezone !== undefined && timezone !== before.timezone);
    const changed = POST_TIMES.filter((setting) => wholeSchedule || (patch[setting] !== undefined && patch[setting] !== before[setting]));
    const postsChangedAt =
      changed.length === 0 ? undefined : { ...(row?.postsChangedAt ?? {}), ...Object.fromEntries(changed.map((setting) => [setting, now.toISOString()])) };
    const values = { ...patch, ...(timezone === undefined ? {} : { timezone }), ...(postsChangedAt ? { postsChangedAt } : {}), updatedAt: now };
    await this.db
      .insert(guildSettings)
      .values({ guildId, ...values, createdAt: now })
      .onConflictDoUpdate({ target: guildSettings.guildId, set: values });
    this.cache.delete(guildId);
    return ok(await this.get(guildId));
  }

  /**
   * Servers whose settings row exists (those that configured something), for scheduled jobs: read
   * fresh in one query, so a post switched off in another process a moment ago is off here too.
   */
  async configuredGuilds(): Promise<GuildSettings[]> {
    const rows = await this.db.select().from(guildSettings);
    return rows.map((row) => this.settingsOf(row.guildId, row));
  }
}
