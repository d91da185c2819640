// The daily quiz streak: consecutive local days (in the server's timezone) with at least one answer.
// A streak is still alive during the day after its last answer: it ends only when a whole local
// day passes without one.
import { DateTime } from 'luxon';

/** The server's local date of an instant, "YYYY-MM-DD". */
export function localDay(instant: Date, timezone: string): string {
  const day = DateTime.fromJSDate(instant, { zone: timezone });
  if (!day.isValid) throw new Error(`Invalid timezone "${timezone}"`);
  return day.toISODate()!;
}

function previousDay(day: string): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).minus({ days: 1 }).toISODate()!;
}

/**
 * `days`: the local days with an answer, any order, duplicates allowed. `today`: the local date now.
 * current: the running streak (0 when yesterday and today have no answer); best: the longest ever.
 */
export function streakOf(days: Iterable<string>, today: string): { current: number; best: number } {
  const answered = new Set(days);
  let best = 0;
  for (const day of answered) {
    if (answered.has(previousDay(day))) continue; // counted from the start of its run
    let length = 1;
    let next = DateTime.fromISO(day, { zone: 'UTC' }).plus({ days: 1 }).toISODate()!;
    while (answered.has(next)) {
      length += 1;
      next = DateTime.fromISO(next, { zone: 'UTC' }).plus({ days: 1 }).toISODate()!;
    }
    best = Math.max(best, length);
  }
  let current = 0;
  let day = answered.has(today) ? today : previousDay(today);
  while (answered.has(day)) {
    current += 1;
    day = previousDay(day);
  }
  return { current, best };
}
