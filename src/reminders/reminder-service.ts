// A member's reminders (/remind), their timezone, and their exam dates' countdown (/exam). This
// service only stores them: a reminder is due when `next_at <= now`, and the delivery job sends it
// and moves `next_at` to `nextOccurrence(scheduleFromJson(schedule), timezone, <the occurrence
// sent>)`, null for a one-off.
import { and, asc, count, eq, isNotNull, like, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { EXAM_DATE_KINDS, examDates, memberSettings, reminders } from '../db/schema.ts';
import type { Clock } from '../clock.ts';
import { ok, refused, type Result } from '../result.ts';
import { TIME_OF_DAY, type GuildSettings, type GuildSettingsService } from '../settings/guild-settings.ts';
import { canonicalTimezone } from '../timezone.ts';
import { sharedTextProblems } from '../tips/tip-text.ts';
import { nextOccurrence, parseWhen, typed, type ReminderSchedule } from './when.ts';
import { examReminders, examSummary, parseExamDate, type ExamDateKind, type ExamRules } from './exam-dates.ts';

export const REMINDER_TEXT_MAX = 500;
/** Active reminders a member may have in one server; the exam countdown does not count. */
export const MAX_ACTIVE_REMINDERS = 25;
export const MEMBER_SOURCE = 'member';
const MAX_ID = 2 ** 31 - 1;

export type ReminderRow = typeof reminders.$inferSelect;

/** A reminder as members see it: `nextAt` is set for every active one. */
export type Reminder = {
  id: number;
  text: string;
  dm: boolean;
  channelId: string;
  schedule: ReminderSchedule;
  timezone: string;
  nextAt: Date;
};

export type NewReminder = { when: string; text: string; dm: boolean; channelId: string };

export type ExamDateSet = {
  kind: ExamDateKind;
  date: string;
  timezone: string;
  rules: ExamRules;
  /** examSummary's line, e.g. "Voucher: bought Mon 1 Mar 2027, expires ... (valid 6 months)". */
  line: string;
  expires?: string;
  /** The countdown now pending, earliest first (none when every date of it is past). */
  scheduled: Reminder[];
};

export type ExamStatusEntry = { kind: ExamDateKind; date: string; line: string; expires?: string; next?: Reminder };

/** /exam status: the server's validity rules, the member's timezone, and each date saved. */
export type ExamStatus = { timezone: string; rules: ExamRules; dates: ExamStatusEntry[] };

/** The member a reminder belongs to. */
export type ReminderOwner = { id: string };

/** The `source` of an exam countdown reminder, e.g. exam:exam:exam-7d. */
export function examSource(kind: ExamDateKind, key: string): string {
  return `exam:${kind}:${key}`;
}

/** `schedule` as stored in `reminders.schedule`: the instant of a one-off as an ISO string. */
export function scheduleToJson(schedule: ReminderSchedule): Record<string, unknown> {
  return schedule.kind === 'once' ? { kind: 'once', at: schedule.at.toISOString() } : { ...schedule };
}

/** Reads `reminders.schedule` back; a malformed one is a bug in whatever wrote it, and throws. */
export function scheduleFromJson(json: unknown): ReminderSchedule {
  const value = (typeof json === 'string' ? JSON.parse(json) : json) as Record<string, unknown> | null;
  const malformed = () => new TypeError(`Not a reminder schedule: ${JSON.stringify(json)}`);
  if (!value || typeof value !== 'object') throw malformed();
  switch (value.kind) {
    case 'once': {
      const at = typeof value.at === 'string' ? new Date(value.at) : undefined;
      if (!at || Number.isNaN(at.getTime())) throw malformed();
      return { kind: 'once', at };
    }
    case 'daily':
      if (typeof value.time !== 'string' || !TIME_OF_DAY.test(value.time)) throw malformed();
      return { kind: 'daily', time: value.time };
    case 'weekly':
      if (typeof value.time !== 'string' || !TIME_OF_DAY.test(value.time)) throw malformed();
      if (typeof value.weekday !== 'number' || !Number.isInteger(value.weekday) || value.weekday < 1 || value.weekday > 7) throw malformed();
      return { kind: 'weekly', weekday: value.weekday, time: value.time };
    default:
      throw malformed();
  }
}

function rulesOf(settings: GuildSettings): ExamRules {
  return { voucherMonths: settings.voucherMonths, certificateYears: settings.certificateYears };
}

function toReminder(row: ReminderRow): Reminder {
  if (!row.nextAt) throw new Error(`reminder ${row.id} is not active`);
  return {
    id: row.id,
    text: row.text,
    dm: row.dm,
    channelId: row.channelId,
    schedule: scheduleFromJson(row.schedule),
    timezone: row.timezone,
    nextAt: row.nextAt,
  };
}

export class ReminderService {
  constructor(
    private readonly db: Database,
    private readonly now: Clock,
    private readonly settings: GuildSettingsService,
  ) {}

  /** The member's own timezone, else the server's. */
  async timezoneOf(guildId: string, userId: string): Promise<string> {
    const [row] = await this.db
      .select({ timezone: memberSettings.timezone })
      .from(memberSettings)
      .where(and(eq(memberSettings.guildId, guildId), eq(memberSettings.userId, userId)));
    const own = row?.timezone ? canonicalTimezone(row.timezone) : undefined;
    return own ?? (await this.settings.get(guildId)).timezone;
  }

  /** Saves the member's timezone under its canonical IANA name; reminders already set keep theirs. */
  async setTimezone(guildId: string, userId: string, name: string): Promise<Result<string, string>> {
    const timezone = canonicalTimezone(name);
    if (!timezone) {
      return refused(
        `${typed(name)} is not a timezone I know. Use an IANA name such as \`Europe/Berlin\`, \`America/New_York\`, \`Asia/Kolkata\` or \`UTC\` (the list suggests names as you type).`,
      );
    }
    const now = this.now();
    await this.db
      .insert(memberSettings)
      .values({ guildId, userId, timezone, updatedAt: now })
      .onConflictDoUpdate({ target: [memberSettings.guildId, memberSettings.userId], set: { timezone, updatedAt: now } });
    return ok(timezone);
  }

  /**
   * Sets a reminder. `when` is read in the member's timezone; the text is shown later as text and
   * is refused when it could ping, invite or hide something.
   */
  async add(guildId: string, member: ReminderOwner, input: NewReminder): Promise<Result<Reminder, string>> {
    const text = input.text.trim();
    if (text === '') return refused('The reminder needs a text. Example: `/remind add when:in 2h text:Review the CNN notes`');
    if (text.length > REMINDER_TEXT_MAX) return refused(`The reminder is ${text.length} characters; the limit is ${REMINDER_TEXT_MAX}.`);
    const problems = sharedTextProblems('The reminder', text);
    if (problems.length > 0) return refused(problems.join('\n'));
    const timezone = await this.timezoneOf(guildId, member.id);
    const now = this.now();
    const parsed = parseWhen(input.when, timezone, now);
    if (!parsed.ok) return parsed;
    const schedule = parsed.value;
    const nextAt = nextOccurrence(schedule, timezone, now);
    if (!nextAt) throw new Error(`parseWhen accepted ${JSON.stringify(input.when)} with no occurrence after now`);
    return this.db.transaction(async (tx): Promise<Result<Reminder, string>> => {
      // One member's adds in turn, so two at once cannot both take the last free place.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`reminders:${guildId}:${member.id}`}))`);
      const [{ active }] = await tx.select({ active: count() }).from(reminders).where(this.activeOf(guildId, member.id));
      if (active >= MAX_ACTIVE_REMINDERS) {
        return refused(`You have ${active} active reminders, the most you can have. Delete one you no longer need with \`/remind delete\` (\`/remind list\` shows them).`);
      }
      const [row] = await tx
        .insert(reminders)
        .values({
          guildId,
          userId: member.id,
          channelId: input.channelId,
          dm: input.dm,
          text,
          schedule: scheduleToJson(schedule),
          timezone,
          source: MEMBER_SOURCE,
          nextAt,
          createdAt: now,
        })
        .returning();
      return ok(toReminder(row));
    });
  }

  /** Reminders due now, oldest first: the delivery reads them, claims each occurrence, and advances them. */
  async due(limit = 200): Promise<ReminderRow[]> {
    return this.db
      .select()
      .from(reminders)
      .where(lte(reminders.nextAt, this.now()))
      .orderBy(asc(reminders.nextAt))
      .limit(limit);
  }

  /**
   * Moves a reminder past an occurrence that was sent (or skipped): to its next occurrence, or
   * nowhere for a one-off. Only from that occurrence, so a repeat of this call changes nothing.
   */
  async advance(row: ReminderRow, occurrence: Date): Promise<void> {
    const next = nextOccurrence(scheduleFromJson(row.schedule), row.timezone, occurrence) ?? null;
    await this.db
      .update(reminders)
      .set({ nextAt: next })
      .where(and(eq(reminders.id, row.id), eq(reminders.nextAt, occurrence)));
  }

  /** The member's active reminders in this server, next first. */
  async list(guildId: string, userId: string): Promise<Reminder[]> {
    const rows = await this.db.select().from(reminders).where(this.activeOf(guildId, userId)).orderBy(asc(reminders.nextAt), asc(reminders.id));
    return rows.map(toReminder);
  }

  /** Deletes one of the member's own active reminders. */
  async delete(guildId: string, userId: string, id: number): Promise<Result<Reminder, string>> {
    // Ids are PostgreSQL integers: a larger number typed in Discord names no reminder.
    const [row] = Number.isInteger(id) && id >= 1 && id <= MAX_ID
      ? await this.db.delete(reminders).where(and(this.activeOf(guildId, userId), eq(reminders.id, id))).returning()
      : [];
    if (!row) return refused(`You have no active reminder #${id}. \`/remind list\` shows yours with their numbers.`);
    return ok(toReminder(row));
  }

  /**
   * Saves an exam date, a voucher's purchase or a certification date (replacing the one before) and
   * schedules its countdown afresh: DMs at local times in the member's timezone, falling back to
   * `channelId` when DMs are closed.
   */
  async setExamDate(guildId: string, member: ReminderOwner, kind: ExamDateKind, typedDate: string, channelId: string): Promise<Result<ExamDateSet, string>> {
    const parsed = parseExamDate(typedDate);
    if (!parsed.ok) return parsed;
    const date = parsed.value;
    const [timezone, settings] = await Promise.all([this.timezoneOf(guildId, member.id), this.settings.get(guildId)]);
    const rules = rulesOf(settings);
    const now = this.now();
    const planned = examReminders(kind, date, timezone, rules, now);
    const scheduled = await this.db.transaction(async (tx) => {
      await tx
        .insert(examDates)
        .values({ guildId, userId: member.id, kind, date, setAt: now })
        .onConflictDoUpdate({ target: [examDates.guildId, examDates.userId, examDates.kind], set: { date, setAt: now } });
      await tx.delete(reminders).where(this.pendingExamOf(guildId, member.id, kind));
      if (planned.length === 0) return [];
      return tx
        .insert(reminders)
        .values(
          planned.map((reminder) => ({
            guildId,
            userId: member.id,
            channelId,
            dm: true,
            text: reminder.text,
            schedule: scheduleToJson({ kind: 'once', at: reminder.at }),
            timezone,
            source: examSource(kind, reminder.key),
            nextAt: reminder.at,
            createdAt: now,
          })),
        )
        .returning();
    });
    const summary = examSummary(kind, date, rules);
    return ok({
      kind,
      date,
      timezone,
      rules,
      line: summary.line,
      ...(summary.expires ? { expires: summary.expires } : {}),
      scheduled: scheduled.map(toReminder).sort((a, b) => a.nextAt.getTime() - b.nextAt.getTime()),
    });
  }

  /** Each date the member saved, in the order exam, voucher, certified, with its next reminder. */
  async examStatus(guildId: string, userId: string): Promise<ExamStatus> {
    const [dates, settings, timezone, pending] = await Promise.all([
      this.db.select().from(examDates).where(and(eq(examDates.guildId, guildId), eq(examDates.userId, userId))),
      this.settings.get(guildId),
      this.timezoneOf(guildId, userId),
      this.db
        .select()
        .from(reminders)
        .where(and(eq(reminders.guildId, guildId), eq(reminders.userId, userId), isNotNull(reminders.nextAt), like(reminders.source, 'exam:%')))
        .orderBy(asc(reminders.nextAt), asc(reminders.id)),
    ]);
    const rules = rulesOf(settings);
    const entries = EXAM_DATE_KINDS.flatMap((kind) => {
      const saved = dates.find((row) => row.kind === kind);
      if (!saved) return [];
      const summary = examSummary(kind, saved.date, rules);
      const next = pending.find((row) => row.source.startsWith(`exam:${kind}:`));
      return [{ kind, date: saved.date, line: summary.line, ...(summary.expires ? { expires: summary.expires } : {}), ...(next ? { next: toReminder(next) } : {}) }];
    });
    return { timezone, rules, dates: entries };
  }

  private activeOf(guildId: string, userId: string) {
    return and(eq(reminders.guildId, guildId), eq(reminders.userId, userId), eq(reminders.source, MEMBER_SOURCE), isNotNull(reminders.nextAt));
  }

  private pendingExamOf(guildId: string, userId: string, kind: ExamDateKind) {
    return and(eq(reminders.guildId, guildId), eq(reminders.userId, userId), isNotNull(reminders.nextAt), like(reminders.source, `exam:${kind}:%`));
  }
}
