// Exam-date reminders: a countdown to a member's exam, a voucher's expiry and a certificate's
// expiry. The official TensorFlow Developer Certificate closed in 2024, so the texts say "your
// exam" and the validity periods are rules a server can change.
import { DateTime } from 'luxon';
import { ok, refused, type Result } from '../result.ts';
import { localSlot } from './when.ts';

export type ExamDateKind = 'exam' | 'voucher' | 'certified';

/** How long a voucher is valid after purchase, and a certificate after passing. */
export type ExamRules = { voucherMonths: number; certificateYears: number };

export const DEFAULT_EXAM_RULES: ExamRules = { voucherMonths: 6, certificateYears: 3 };

export type ExamReminder = { key: string; at: Date; text: string };

/** A calendar date as YYYY-MM-DD, refused when it is not one. */
/** The years an exam, voucher or certificate date may fall in. */
export const EXAM_YEARS = { from: 2015, to: 2100 } as const;

export function parseExamDate(text: string): Result<string, string> {
  const date = text.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return refused('Give the date as YYYY-MM-DD. Example: `2027-03-15`');
  const parsed = DateTime.fromObject({ year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) }, { zone: 'UTC' });
  if (!parsed.isValid) return refused(`${date} is not a date on the calendar. Example: \`2027-03-15\``);
  // Certificates last years and vouchers months: a date outside these years is a typo.
  if (parsed.year < EXAM_YEARS.from || parsed.year > EXAM_YEARS.to) {
    return refused(`${date} is outside ${EXAM_YEARS.from}-${EXAM_YEARS.to}. Example: \`2027-03-15\``);
  }
  return ok(date);
}

function calendarDate(date: string): DateTime {
  const parsed = DateTime.fromISO(date, { zone: 'UTC' });
  if (!parsed.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`Not a date: "${date}"`);
  return parsed;
}

/** "Thu 24 Dec 2026" */
function shown(date: DateTime): string {
  return date.setLocale('en-GB').toFormat('ccc d LLL yyyy');
}

/**
 * When a voucher bought on `date`, or a certificate earned on `date`, expires; undefined for an
 * exam. A month or year past the end of a shorter month is its last day (31 Aug + 6 months = 28 Feb).
 */
function expiryOf(kind: ExamDateKind, date: string, rules: ExamRules): DateTime | undefined {
  if (kind === 'voucher') return calendarDate(date).plus({ months: rules.voucherMonths });
  if (kind === 'certified') return calendarDate(date).plus({ years: rules.certificateYears });
  return undefined;
}

type Planned = { key: string; day: DateTime; time: string; text: string };

function examPlan(exam: DateTime): Planned[] {
  const on = shown(exam);
  const before = (days: number, text: string): Planned => ({ key: `exam-${days}d`, day: exam.minus({ days }), time: '09:00', text });
  return [
    before(30, `Your exam is in 30 days, on ${on}. Plan your weeks now: a topic a week, and \`/quiz\` every day keeps the basics fresh.`),
    before(14, `Two weeks to your exam (${on}). Check \`/progress\` and spend this week on the topics that need the most work.`),
    before(7, `One week to your exam (${on}). Run a timed \`/mockexam start\` under exam conditions, then review what went wrong.`),
    before(3, `3 days to your exam (${on}). Go over the problems you missed, and check your setup: Python, TensorFlow and your editor.`),
    before(1, `Your exam is tomorrow, ${on}. Light review only, have your setup ready, and get a good night's sleep.`),
    { key: 'exam-day', day: exam, time: '08:00', text: `Today is your exam. Good luck! Read each task twice, start with a simple model that works, and save as you go.` },
    { key: 'exam-after', day: exam.plus({ days: 1 }), time: '18:00', text: `How did your exam go yesterday? Tell the group if you like: what came up helps the next ones.` },
  ];
}

function voucherPlan(expires: DateTime): Planned[] {
  const on = shown(expires);
  return [
    { key: 'voucher-30d', day: expires.minus({ days: 30 }), time: '09:00', text: `Your exam voucher expires in 30 days, on ${on}. Book your exam before ${on}.` },
    { key: 'voucher-7d', day: expires.minus({ days: 7 }), time: '09:00', text: `Your exam voucher expires in a week, on ${on}. If your exam is not booked yet, book it now.` },
  ];
}

function certifiedPlan(expires: DateTime): Planned[] {
  const on = shown(expires);
  return [
    {
      key: 'certified-90d',
      day: expires.minus({ days: 90 }),
      time: '09:00',
      text: `Your certificate expires in 90 days, on ${on}. Time to plan your renewal exam: a timed \`/mockexam start\` shows where you stand.`,
    },
    { key: 'certified-30d', day: expires.minus({ days: 30 }), time: '09:00', text: `Your certificate expires in 30 days, on ${on}. Book your renewal exam before then.` },
  ];
}

/**
 * The reminders for an exam date, a voucher bought or a certificate earned on `date`, at local
 * times in `timezone`: only those after `now`, earliest first. Each key is stable for its kind, so
 * scheduling the same date twice finds the same reminders.
 */
export function examReminders(kind: ExamDateKind, date: string, timezone: string, rules: ExamRules, now: Date): ExamReminder[] {
  const plan = kind === 'exam' ? examPlan(calendarDate(date)) : kind === 'voucher' ? voucherPlan(expiryOf(kind, date, rules)!) : certifiedPlan(expiryOf(kind, date, rules)!);
  return plan
    .map(({ key, day, time, text }) => ({ key, at: localSlot(day.toISODate()!, time, timezone), text }))
    .filter((reminder) => reminder.at.getTime() > now.getTime())
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** One line for `/exam status`, and the expiry date (YYYY-MM-DD) of a voucher or certificate. */
export function examSummary(kind: ExamDateKind, date: string, rules: ExamRules): { expires?: string; line: string } {
  const day = calendarDate(date);
  const expires = expiryOf(kind, date, rules);
  switch (kind) {
    case 'exam':
      return { line: `Exam: ${shown(day)}` };
    case 'voucher':
      return { expires: expires!.toISODate()!, line: `Voucher: bought ${shown(day)}, expires ${shown(expires!)} (valid ${plural(rules.voucherMonths, 'month')})` };
    case 'certified':
      return { expires: expires!.toISODate()!, line: `Certified: ${shown(day)}, expires ${shown(expires!)} (valid ${plural(rules.certificateYears, 'year')})` };
  }
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
