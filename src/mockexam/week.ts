// Weeks as a server sees them: the ISO week (Monday to Monday) in the server's timezone.
import { DateTime } from 'luxon';

/** An ISO week such as "2026-W48". */
export type IsoWeek = string;

const WEEK_PATTERN = /^(\d{4})-W(\d{2})$/;

export function isoWeekOf(instant: Date, timezone: string): IsoWeek {
  const local = DateTime.fromJSDate(instant, { zone: timezone });
  if (!local.isValid) throw new Error(`Invalid timezone "${timezone}"`);
  return formatWeek(local.weekYear, local.weekNumber);
}

function formatWeek(weekYear: number, weekNumber: number): IsoWeek {
  return `${weekYear}-W${String(weekNumber).padStart(2, '0')}`;
}

function parseWeek(week: IsoWeek): { weekYear: number; weekNumber: number } {
  const match = WEEK_PATTERN.exec(week);
  if (!match) throw new Error(`Not an ISO week: "${week}"`);
  return { weekYear: Number(match[1]), weekNumber: Number(match[2]) };
}

/** The instants where the week starts (Monday 00:00 local) and ends (the next Monday 00:00 local). */
export function weekBounds(week: IsoWeek, timezone: string): { start: Date; end: Date } {
  const start = DateTime.fromObject({ ...parseWeek(week), weekday: 1 }, { zone: timezone }).startOf('day');
  if (!start.isValid) throw new Error(`Invalid week "${week}" or timezone "${timezone}"`);
  return { start: start.toJSDate(), end: start.plus({ weeks: 1 }).toJSDate() };
}

export function addWeeks(week: IsoWeek, count: number): IsoWeek {
  const monday = DateTime.fromObject({ ...parseWeek(week), weekday: 1 }, { zone: 'UTC' }).plus({ weeks: count });
  return formatWeek(monday.weekYear, monday.weekNumber);
}

/** Weeks since 1970-W01, for rotations that must advance by exactly one each week. */
export function weekIndex(week: IsoWeek): number {
  const monday = DateTime.fromObject({ ...parseWeek(week), weekday: 1 }, { zone: 'UTC' });
  const epoch = DateTime.fromObject({ weekYear: 1970, weekNumber: 1, weekday: 1 }, { zone: 'UTC' });
  return Math.round(monday.diff(epoch, 'weeks').weeks);
}
