// When a server's scheduled posts are due. A daily post has one slot per local date and a weekly
// post one per ISO week (on its Monday), each at the server's local time by the daylight-saving
// rule of localSlot: once per local day across both transitions, right after a spring-forward gap.
// Slots missed while no process ran are sent late within a grace window, and skipped after it.
import { DateTime } from 'luxon';
import { localSlot } from './when.ts';

export const POST_KINDS = ['daily-tip', 'daily-quiz', 'weekly-post'] as const;
export type PostKind = (typeof POST_KINDS)[number];

/** A slot: its id (local date, or ISO week for the weekly post) and when it is due. */
export type Slot = { slot: string; dueAt: Date };

/** Slots missed by up to this much are still sent, marked delayed. */
export const DEFAULT_GRACE_MS = 6 * 60 * 60 * 1000;
/** A post this late is called delayed (a run every minute is otherwise on time). */
export const ON_TIME_MS = 5 * 60 * 1000;
/** How far back missed slots are looked for (older ones were reported when they were missed). */
export const LOOKBACK_MS = 3 * 24 * 60 * 60 * 1000;

function slotOn(kind: PostKind, localDate: DateTime, time: string, timezone: string): Slot | undefined {
  const date = localDate.toISODate()!;
  if (kind !== 'weekly-post') return { slot: date, dueAt: localSlot(date, time, timezone) };
  if (localDate.weekday !== 1) return undefined;
  return { slot: `${localDate.weekYear}-W${String(localDate.weekNumber).padStart(2, '0')}`, dueAt: localSlot(date, time, timezone) };
}

/** The slots due in (from, to], oldest first. */
export function slotsBetween(kind: PostKind, time: string, timezone: string, from: Date, to: Date): Slot[] {
  const slots: Slot[] = [];
  // From the local date before `from` (a slot's instant may fall on the previous UTC date).
  let day = DateTime.fromJSDate(from, { zone: timezone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromJSDate(to, { zone: timezone }).startOf('day').plus({ days: 1 });
  while (day <= last) {
    const slot = slotOn(kind, day, time, timezone);
    if (slot && slot.dueAt > from && slot.dueAt <= to) slots.push(slot);
    day = day.plus({ days: 1 });
  }
  return slots;
}

/** The first slot due strictly after `after`. */
export function nextSlot(kind: PostKind, time: string, timezone: string, after: Date): Slot {
  let day = DateTime.fromJSDate(after, { zone: timezone }).startOf('day');
  for (;;) {
    const slot = slotOn(kind, day, time, timezone);
    if (slot && slot.dueAt > after) return slot;
    day = day.plus({ days: 1 });
  }
}

/** Splits slots that came due into those to send (late ones marked delayed) and those to skip. */
export function triage(slots: Slot[], now: Date, graceMs: number): { send: Array<Slot & { delayed: boolean }>; skip: Slot[] } {
  const send: Array<Slot & { delayed: boolean }> = [];
  const skip: Slot[] = [];
  for (const slot of slots) {
    const late = now.getTime() - slot.dueAt.getTime();
    if (late > graceMs) skip.push(slot);
    else send.push({ ...slot, delayed: late > ON_TIME_MS });
  }
  return { send, skip };
}
