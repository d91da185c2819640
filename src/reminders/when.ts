// When a reminder fires: what members type ("in 2h", "daily 09:00", "2026-12-24 18:00"), read in
// their timezone, and the instants it stands for. Daylight saving is decided here, once: a local
// time is an instant through `localSlot`, so a daily 09:00 fires once per local day across both
// transitions, and a time inside the spring-forward gap fires right after the gap.
import { DateTime } from 'luxon';
import { ok, refused, type Result } from '../result.ts';

export type ReminderSchedule =
  | { kind: 'once'; at: Date }
  /** `time` is HH:MM, local to the timezone the schedule is read in. */
  | { kind: 'daily'; time: string }
  /** `weekday` is 1 = Monday .. 7 = Sunday (ISO). */
  | { kind: 'weekly'; weekday: number; time: string };

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const ACCEPTED_FORMS = '`2026-12-24 18:00`, `in 2h`, `in 90 minutes`, `in 3 days`, `tomorrow 09:00`, `daily 09:00`, `weekly monday 19:00`';

/** How far ahead a reminder may be set: further than this is more likely a typo than a plan. */
const MAX_AHEAD = { years: 1 } as const;

const DURATION_UNITS: Record<string, 'minutes' | 'hours' | 'days' | 'weeks'> = {
  m: 'minutes', min: 'minutes', mins: 'minutes', minute: 'minutes', minutes: 'minutes',
  h: 'hours', hr: 'hours', hrs: 'hours', hour: 'hours', hours: 'hours',
  d: 'days', day: 'days', days: 'days',
  w: 'weeks', week: 'weeks', weeks: 'weeks',
};

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

function isValidZone(timezone: string): boolean {
  return DateTime.fromMillis(0, { zone: timezone }).isValid;
}

function requireZone(timezone: string): void {
  if (!isValidZone(timezone)) throw new RangeError(`Unknown timezone "${timezone}"`);
}

/** The zone's offset from UTC at an instant, in minutes. */
function offsetAt(ms: number, timezone: string): number {
  return DateTime.fromMillis(ms, { zone: timezone }).offset;
}

/** "09:05" -> [9, 5], or undefined when it is not a time of day. */
function parseTime(time: string): [number, number] | undefined {
  const match = /^(\d{1,2}):(\d{2})$/.exec(time);
  if (!match) return undefined;
  const [hour, minute] = [Number(match[1]), Number(match[2])];
  return hour <= 23 && minute <= 59 ? [hour, minute] : undefined;
}

function parseDate(date: string): [number, number, number] | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return DateTime.fromObject({ year, month, day }, { zone: 'UTC' }).isValid ? [year, month, day] : undefined;
}

/**
 * The instant of a local date and time in a timezone. A time that happens twice (the repeated
 * hour when clocks fall back) is its first occurrence; a time that never happens (inside the
 * spring-forward gap) is the first instant after the gap, e.g. 02:30 on a day clocks jump from
 * 02:00 to 03:00 is 03:00 (luxon alone would say 03:30).
 */
export function localSlot(date: string, time: string, timezone: string): Date {
  requireZone(timezone);
  const day = parseDate(date);
  const clock = parseTime(time);
  if (!day || !clock) throw new RangeError(`Not a local date and time: "${date} ${time}"`);
  const wall = Date.UTC(day[0], day[1] - 1, day[2], clock[0], clock[1]);
  // Zones change offset at most once within a day either side, so the offsets a day before and a
  // day after are the only ones this wall time can have.
  const offsets = [...new Set([offsetAt(wall - DAY_MS, timezone), offsetAt(wall + DAY_MS, timezone)])];
  const instants = offsets.map((offset) => wall - offset * MINUTE_MS).filter((instant) => offsetAt(instant, timezone) * MINUTE_MS === wall - instant);
  if (instants.length > 0) return new Date(Math.min(...instants));
  return new Date(transitionBetween(wall - Math.max(...offsets) * MINUTE_MS, wall - Math.min(...offsets) * MINUTE_MS, timezone));
}

/** The first instant in (from, to] whose offset differs from the offset at `from`, to the second. */
function transitionBetween(from: number, to: number, timezone: string): number {
  const before = offsetAt(from, timezone);
  let [low, high] = [Math.floor(from / 1000), Math.ceil(to / 1000)];
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(middle * 1000, timezone) === before) low = middle;
    else high = middle;
  }
  return high * 1000;
}

/** The first time the schedule fires strictly after `after`; a one-off in the past never fires. */
export function nextOccurrence(schedule: ReminderSchedule, timezone: string, after: Date): Date | undefined {
  if (schedule.kind === 'once') return schedule.at.getTime() > after.getTime() ? schedule.at : undefined;
  requireZone(timezone);
  const today = DateTime.fromJSDate(after, { zone: timezone }).startOf('day');
  // A slot on the local day of `after` may already be over; a week and a day later always is not.
  for (let days = 0; days <= 8; days++) {
    const day = today.plus({ days });
    if (schedule.kind === 'weekly' && day.weekday !== schedule.weekday) continue;
    const slot = localSlot(day.toISODate()!, schedule.time, timezone);
    if (slot.getTime() > after.getTime()) return slot;
  }
  throw new RangeError(`No occurrence of ${JSON.stringify(schedule)} within 8 days`);
}

/** The schedule in words, e.g. "daily at 09:00 (Europe/Berlin)". */
export function describeSchedule(schedule: ReminderSchedule, timezone: string): string {
  switch (schedule.kind) {
    case 'once':
      requireZone(timezone);
      return `on ${formatLocal(DateTime.fromJSDate(schedule.at, { zone: timezone }), "ccc d LLL yyyy 'at' HH:mm")} (${timezone})`;
    case 'daily':
      return `daily at ${schedule.time} (${timezone})`;
    case 'weekly':
      return `every ${WEEKDAY_NAMES[schedule.weekday - 1]} at ${schedule.time} (${timezone})`;
  }
}

function formatLocal(local: DateTime, format: string): string {
  return local.setLocale('en-GB').toFormat(format);
}

/** What a member typed, shown back in a refusal as inline code (Markdown-inert) and capped. */
export function typed(text: string): string {
  const plain = text.replace(/`/g, "'").replace(/\s+/g, ' ').trim();
  return `\`${plain.length > 40 ? `${plain.slice(0, 39)}…` : plain}\``;
}

/**
 * Reads when a reminder should fire, in the member's timezone, at `now`. Refusals say what was
 * wrong and give an example to copy.
 */
export function parseWhen(text: string, timezone: string, now: Date): Result<ReminderSchedule, string> {
  if (!isValidZone(timezone)) return refused(`"${timezone}" is not a timezone I know. Example: \`Europe/Berlin\`.`);
  const words = text.trim().toLowerCase().replace(/\s+/g, ' ');
  const local = DateTime.fromJSDate(now, { zone: timezone });
  const example = formatLocal(local.plus({ days: 7 }), "yyyy-LL-dd '18:00'");

  const dateTime = /^(\d{4}-\d{2}-\d{2})[ t](\d{1,2}:\d{2})$/.exec(words);
  if (dateTime) {
    const [, date, time] = dateTime;
    if (!parseDate(date)) return refused(`${date} is not a date on the calendar. Example: \`${example}\``);
    if (!parseTime(time)) return refused(notATime(time, example));
    return once(localSlot(date, normalTime(time), timezone), `${date} ${normalTime(time)}`, timezone, local, example);
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(words)) return refused(`Add a time of day to ${words}. Example: \`${words} 18:00\``);

  const relativeDay = /^(today|tomorrow) (\S+)$/.exec(words);
  if (relativeDay) {
    const [, day, time] = relativeDay;
    if (!parseTime(time)) return refused(notATime(time, `${day} 09:00`));
    const date = local.plus({ days: day === 'tomorrow' ? 1 : 0 }).toISODate()!;
    return once(localSlot(date, normalTime(time), timezone), `${day} ${normalTime(time)}`, timezone, local, `tomorrow ${normalTime(time)}`);
  }

  const duration = /^in (.+)$/.exec(words);
  if (duration) {
    const parts = parseDuration(duration[1]);
    if (!parts) return refused(`I couldn't read ${typed(duration[1])} as a duration. Examples: \`in 2h\`, \`in 90 minutes\`, \`in 3 days\`, \`in 1 week\`, \`in 2h30m\`.`);
    if (Object.values(parts).every((amount) => amount === 0)) return refused('A reminder needs a duration longer than zero. Example: `in 2h`');
    return once(local.plus(parts).toJSDate(), `in ${duration[1]}`, timezone, local, 'in 2h');
  }

  const daily = /^daily (\S+)$/.exec(words);
  if (daily) {
    if (!parseTime(daily[1])) return refused(notATime(daily[1], 'daily 09:00'));
    return ok({ kind: 'daily', time: normalTime(daily[1]) });
  }

  const weekly = /^weekly (\S+) (\S+)$/.exec(words);
  if (weekly) {
    const weekday = weekdayNumber(weekly[1]);
    if (!weekday) return refused(`${typed(weekly[1])} is not a day of the week: use monday to sunday (or mon to sun). Example: \`weekly monday 19:00\``);
    if (!parseTime(weekly[2])) return refused(notATime(weekly[2], `weekly ${WEEKDAYS[weekday - 1]} 19:00`));
    return ok({ kind: 'weekly', weekday, time: normalTime(weekly[2]) });
  }

  return refused(`I couldn't read ${typed(text)} as a time. Use one of: ${ACCEPTED_FORMS}.`);
}

function notATime(time: string, example: string): string {
  return `${typed(time)} is not a time of day: use 00:00 to 23:59. Example: \`${example}\``;
}

function normalTime(time: string): string {
  const [hour, minute] = parseTime(time)!;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

function weekdayNumber(name: string): number | undefined {
  const index = name.length >= 3 ? WEEKDAYS.findIndex((day) => day === name || (name.length === 3 && day.startsWith(name))) : -1;
  return index >= 0 ? index + 1 : undefined;
}

/** "2h30m", "90 minutes", "1 day 2 hours", "3 days and 4h" -> amounts per unit. */
function parseDuration(text: string): Partial<Record<'minutes' | 'hours' | 'days' | 'weeks', number>> | undefined {
  const parts: Partial<Record<'minutes' | 'hours' | 'days' | 'weeks', number>> = {};
  // At most 6 digits: a year is 525,600 minutes; anything longer is refused as more than a year.
  const rest = text.replace(/(\d{1,6})\s*([a-z]+)[\s,]*(?:and\s+)?/g, (_, amount: string, unitName: string) => {
    const unit = DURATION_UNITS[unitName];
    if (!unit || parts[unit] !== undefined) return '!';
    parts[unit] = Number(amount);
    return '';
  });
  return rest === '' && Object.keys(parts).length > 0 ? parts : undefined;
}

/** A one-off at `at`, refused when it is not in the future or more than a year ahead. */
function once(at: Date, shown: string, timezone: string, local: DateTime, example: string): Result<ReminderSchedule, string> {
  const nowShown = formatLocal(local, 'yyyy-LL-dd HH:mm');
  const latest = local.plus(MAX_AHEAD);
  // An amount too large for the calendar gives no date at all: it is past any limit.
  if (!Number.isFinite(at.getTime())) {
    return refused(`${shown} is more than a year ahead: reminders can be set up to ${formatLocal(latest, 'yyyy-LL-dd HH:mm')} (${timezone}). Example: \`${example}\``);
  }
  if (at.getTime() <= local.toMillis()) {
    return refused(`${shown} is in the past (it is now ${nowShown} in ${timezone}). Example: \`${example}\``);
  }
  if (at.getTime() > latest.toMillis()) {
    return refused(`${shown} is more than a year ahead: reminders can be set up to ${formatLocal(latest, 'yyyy-LL-dd HH:mm')} (${timezone}). Example: \`${example}\``);
  }
  return ok({ kind: 'once', at });
}
