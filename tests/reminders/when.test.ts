import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { describeSchedule, localSlot, nextOccurrence, parseWhen, type ReminderSchedule } from '../../src/reminders/when.ts';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
/** Monday 30 November 2026, 10:00 in Berlin. */
const NOW = new Date('2026-11-30T09:00:00Z');

function accepted(text: string, timezone = BERLIN, now = NOW): ReminderSchedule {
  const result = parseWhen(text, timezone, now);
  if (!result.ok) throw new Error(`refused "${text}": ${result.reason}`);
  return result.value;
}

function refusal(text: string, timezone = BERLIN, now = NOW): string {
  const result = parseWhen(text, timezone, now);
  if (result.ok) throw new Error(`accepted "${text}": ${JSON.stringify(result.value)}`);
  return result.reason;
}

function iso(date: Date | undefined): string | undefined {
  return date?.toISOString();
}

describe('localSlot', () => {
  it('is the instant of a local date and time', () => {
    expect(iso(localSlot('2026-12-24', '18:00', BERLIN))).toBe('2026-12-24T17:00:00.000Z');
    expect(iso(localSlot('2026-07-01', '09:00', BERLIN))).toBe('2026-07-01T07:00:00.000Z');
    expect(iso(localSlot('2026-07-01', '09:00', NEW_YORK))).toBe('2026-07-01T13:00:00.000Z');
    expect(iso(localSlot('2026-07-01', '09:00', 'UTC'))).toBe('2026-07-01T09:00:00.000Z');
  });

  it('puts a time inside the spring-forward gap at the end of the gap (03:00 local)', () => {
    // Berlin: 02:00 CET -> 03:00 CEST on 2026-03-29; New York: 02:00 EST -> 03:00 EDT on 2026-03-08.
    expect(iso(localSlot('2026-03-29', '02:30', BERLIN))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(localSlot('2026-03-29', '02:00', BERLIN))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(localSlot('2026-03-29', '02:59', BERLIN))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(localSlot('2026-03-29', '03:00', BERLIN))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(localSlot('2026-03-29', '01:59', BERLIN))).toBe('2026-03-29T00:59:00.000Z');
    expect(iso(localSlot('2026-03-08', '02:30', NEW_YORK))).toBe('2026-03-08T07:00:00.000Z');
    expect(DateTime.fromJSDate(localSlot('2026-03-08', '02:30', NEW_YORK), { zone: NEW_YORK }).toFormat('HH:mm')).toBe('03:00');
  });

  it('takes the first occurrence of a time in the repeated fall-back hour', () => {
    // New York: 02:00 EDT -> 01:00 EST on 2026-11-01; Berlin: 03:00 CEST -> 02:00 CET on 2026-10-25.
    expect(iso(localSlot('2026-11-01', '01:30', NEW_YORK))).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(localSlot('2026-11-01', '01:00', NEW_YORK))).toBe('2026-11-01T05:00:00.000Z');
    expect(iso(localSlot('2026-11-01', '02:00', NEW_YORK))).toBe('2026-11-01T07:00:00.000Z');
    expect(iso(localSlot('2026-10-25', '02:30', BERLIN))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(localSlot('2026-10-25', '03:00', BERLIN))).toBe('2026-10-25T02:00:00.000Z');
  });

  it('throws on an impossible date or time and on an unknown timezone', () => {
    expect(() => localSlot('2026-02-30', '09:00', BERLIN)).toThrow(RangeError);
    expect(() => localSlot('2026-02-28', '25:00', BERLIN)).toThrow(RangeError);
    expect(() => localSlot('2026-02-28', '09:00', 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('nextOccurrence', () => {
  it('a one-off fires at its instant when that is strictly later, never again', () => {
    const at = new Date('2026-12-24T17:00:00Z');
    expect(nextOccurrence({ kind: 'once', at }, BERLIN, NOW)).toEqual(at);
    expect(nextOccurrence({ kind: 'once', at }, BERLIN, at)).toBeUndefined();
    expect(nextOccurrence({ kind: 'once', at }, BERLIN, new Date('2026-12-25T00:00:00Z'))).toBeUndefined();
  });

  it('a daily time fires later today, or tomorrow once today is past', () => {
    const daily: ReminderSchedule = { kind: 'daily', time: '09:00' };
    expect(iso(nextOccurrence(daily, BERLIN, new Date('2026-11-30T07:59:00Z')))).toBe('2026-11-30T08:00:00.000Z');
    expect(iso(nextOccurrence(daily, BERLIN, new Date('2026-11-30T08:00:00Z')))).toBe('2026-12-01T08:00:00.000Z');
    // 23:30 UTC on the 30th is already 1 December in Berlin.
    expect(iso(nextOccurrence(daily, BERLIN, new Date('2026-11-30T23:30:00Z')))).toBe('2026-12-01T08:00:00.000Z');
  });

  it('a weekly time fires on its weekday, this week or next', () => {
    const thursday: ReminderSchedule = { kind: 'weekly', weekday: 4, time: '19:00' };
    expect(iso(nextOccurrence(thursday, BERLIN, NOW))).toBe('2026-12-03T18:00:00.000Z');
    const monday: ReminderSchedule = { kind: 'weekly', weekday: 1, time: '09:00' };
    // It is Monday 10:00: this Monday's 09:00 is over, so next Monday.
    expect(iso(nextOccurrence(monday, BERLIN, NOW))).toBe('2026-12-07T08:00:00.000Z');
    const sunday: ReminderSchedule = { kind: 'weekly', weekday: 7, time: '23:59' };
    expect(iso(nextOccurrence(sunday, NEW_YORK, NOW))).toBe('2026-12-07T04:59:00.000Z');
  });

  /** Every occurrence from `from` for `count` firings, as local date-times. */
  function firings(schedule: ReminderSchedule, timezone: string, from: string, count: number): string[] {
    const local: string[] = [];
    let after = new Date(from);
    for (let i = 0; i < count; i++) {
      const next = nextOccurrence(schedule, timezone, after)!;
      local.push(DateTime.fromJSDate(next, { zone: timezone }).toFormat('yyyy-LL-dd HH:mm ZZ'));
      after = next;
    }
    return local;
  }

  it('a daily 09:00 fires once per local day across both transitions in Berlin and New York', () => {
    expect(firings({ kind: 'daily', time: '09:00' }, BERLIN, '2026-03-27T12:00:00Z', 4)).toEqual([
      '2026-03-28 09:00 +01:00',
      '2026-03-29 09:00 +02:00',
      '2026-03-30 09:00 +02:00',
      '2026-03-31 09:00 +02:00',
    ]);
    expect(firings({ kind: 'daily', time: '09:00' }, BERLIN, '2026-10-24T12:00:00Z', 3)).toEqual([
      '2026-10-25 09:00 +01:00',
      '2026-10-26 09:00 +01:00',
      '2026-10-27 09:00 +01:00',
    ]);
    expect(firings({ kind: 'daily', time: '09:00' }, NEW_YORK, '2026-03-07T15:00:00Z', 3)).toEqual([
      '2026-03-08 09:00 -04:00',
      '2026-03-09 09:00 -04:00',
      '2026-03-10 09:00 -04:00',
    ]);
    expect(firings({ kind: 'daily', time: '09:00' }, NEW_YORK, '2026-10-31T15:00:00Z', 3)).toEqual([
      '2026-11-01 09:00 -05:00',
      '2026-11-02 09:00 -05:00',
      '2026-11-03 09:00 -05:00',
    ]);
  });

  it('a daily time inside the gap fires right after it, and one in the repeated hour fires once', () => {
    expect(firings({ kind: 'daily', time: '02:30' }, BERLIN, '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28 02:30 +01:00',
      '2026-03-29 03:00 +02:00',
      '2026-03-30 02:30 +02:00',
    ]);
    expect(firings({ kind: 'daily', time: '02:30' }, NEW_YORK, '2026-03-07T00:00:00Z', 3)).toEqual([
      '2026-03-07 02:30 -05:00',
      '2026-03-08 03:00 -04:00',
      '2026-03-09 02:30 -04:00',
    ]);
    expect(firings({ kind: 'daily', time: '01:30' }, NEW_YORK, '2026-10-31T00:00:00Z', 3)).toEqual([
      '2026-10-31 01:30 -04:00',
      '2026-11-01 01:30 -04:00',
      '2026-11-02 01:30 -05:00',
    ]);
    expect(firings({ kind: 'daily', time: '02:30' }, BERLIN, '2026-10-24T00:00:00Z', 3)).toEqual([
      '2026-10-24 02:30 +02:00',
      '2026-10-25 02:30 +02:00',
      '2026-10-26 02:30 +01:00',
    ]);
  });

  it('a weekly Sunday 02:30 in Berlin lands after the gap on the transition Sunday', () => {
    expect(firings({ kind: 'weekly', weekday: 7, time: '02:30' }, BERLIN, '2026-03-20T00:00:00Z', 3)).toEqual([
      '2026-03-22 02:30 +01:00',
      '2026-03-29 03:00 +02:00',
      '2026-04-05 02:30 +02:00',
    ]);
  });
});

describe('parseWhen', () => {
  it('reads a local date and time, with a space or a T', () => {
    expect(accepted('2026-12-24 18:00')).toEqual({ kind: 'once', at: new Date('2026-12-24T17:00:00Z') });
    expect(accepted('2026-12-24T18:00')).toEqual({ kind: 'once', at: new Date('2026-12-24T17:00:00Z') });
    expect(accepted('  2026-12-24   9:05 ', NEW_YORK)).toEqual({ kind: 'once', at: new Date('2026-12-24T14:05:00Z') });
  });

  it('reads a local time inside the spring-forward gap as the end of the gap', () => {
    expect(accepted('2027-03-28 02:30')).toEqual({ kind: 'once', at: new Date('2027-03-28T01:00:00Z') });
  });

  it('reads durations from now, one or more units', () => {
    const after = (text: string) => (accepted(text) as { at: Date }).at.toISOString();
    expect(after('in 2h')).toBe('2026-11-30T11:00:00.000Z');
    expect(after('in 90 minutes')).toBe('2026-11-30T10:30:00.000Z');
    expect(after('in 45 min')).toBe('2026-11-30T09:45:00.000Z');
    expect(after('in 10m')).toBe('2026-11-30T09:10:00.000Z');
    expect(after('in 1 hour')).toBe('2026-11-30T10:00:00.000Z');
    expect(after('in 3 days')).toBe('2026-12-03T09:00:00.000Z');
    expect(after('in 1 week')).toBe('2026-12-07T09:00:00.000Z');
    expect(after('in 2w')).toBe('2026-12-14T09:00:00.000Z');
    expect(after('in 2h30m')).toBe('2026-11-30T11:30:00.000Z');
    expect(after('IN 1 Day 2 Hours')).toBe('2026-12-01T11:00:00.000Z');
    expect(after('in 1d and 1h')).toBe('2026-12-01T10:00:00.000Z');
  });

  it('counts days in local days: "in 1 day" over the spring transition keeps the local time', () => {
    const saturday = new Date('2026-03-28T09:00:00Z'); // 10:00 CET
    expect(accepted('in 1 day', BERLIN, saturday)).toEqual({ kind: 'once', at: new Date('2026-03-29T08:00:00Z') }); // 10:00 CEST
    expect(accepted('in 24h', BERLIN, saturday)).toEqual({ kind: 'once', at: new Date('2026-03-29T09:00:00Z') });
  });

  it('reads daily and weekly times, weekdays in any case, full or three letters', () => {
    expect(accepted('daily 09:00')).toEqual({ kind: 'daily', time: '09:00' });
    expect(accepted('Daily 7:30')).toEqual({ kind: 'daily', time: '07:30' });
    expect(accepted('weekly monday 19:00')).toEqual({ kind: 'weekly', weekday: 1, time: '19:00' });
    expect(accepted('WEEKLY Thu 08:15')).toEqual({ kind: 'weekly', weekday: 4, time: '08:15' });
    expect(accepted('weekly sunday 0:00')).toEqual({ kind: 'weekly', weekday: 7, time: '00:00' });
  });

  it('reads tomorrow and today with a time', () => {
    expect(accepted('tomorrow 09:00')).toEqual({ kind: 'once', at: new Date('2026-12-01T08:00:00Z') });
    expect(accepted('today 18:00')).toEqual({ kind: 'once', at: new Date('2026-11-30T17:00:00Z') });
    expect(refusal('today 08:00')).toBe('today 08:00 is in the past (it is now 2026-11-30 10:00 in Europe/Berlin). Example: `tomorrow 08:00`');
  });

  it('refuses a time in the past, saying what time it is and giving an example', () => {
    expect(refusal('2026-01-01 09:00')).toBe('2026-01-01 09:00 is in the past (it is now 2026-11-30 10:00 in Europe/Berlin). Example: `2026-12-07 18:00`');
    expect(refusal('2026-11-30 10:00')).toContain('is in the past');
  });

  it('refuses more than a year ahead', () => {
    expect(accepted('2027-11-30 10:00')).toEqual({ kind: 'once', at: new Date('2027-11-30T09:00:00Z') });
    expect(refusal('2027-11-30 10:01')).toBe(
      '2027-11-30 10:01 is more than a year ahead: reminders can be set up to 2027-11-30 10:00 (Europe/Berlin). Example: `2026-12-07 18:00`',
    );
    expect(refusal('in 400 days')).toContain('more than a year ahead');
    // Amounts too large for any calendar are refused the same way, never accepted with no date.
    expect(refusal('in 999999 weeks')).toContain('more than a year ahead');
    expect(refusal('in 99999999999 weeks')).toMatch(/^I couldn't read/);
  });

  it('refuses an impossible time or date', () => {
    expect(refusal('daily 25:00')).toBe('`25:00` is not a time of day: use 00:00 to 23:59. Example: `daily 09:00`');
    expect(refusal('2026-12-24 18:60')).toBe('`18:60` is not a time of day: use 00:00 to 23:59. Example: `2026-12-07 18:00`');
    expect(refusal('2027-02-30 09:00')).toBe('2027-02-30 is not a date on the calendar. Example: `2026-12-07 18:00`');
    expect(refusal('tomorrow 9')).toBe('`9` is not a time of day: use 00:00 to 23:59. Example: `tomorrow 09:00`');
    expect(refusal('2026-12-24')).toBe('Add a time of day to 2026-12-24. Example: `2026-12-24 18:00`');
  });

  it('refuses an unknown weekday, a bad duration and a zero duration', () => {
    expect(refusal('weekly funday 10:00')).toBe('`funday` is not a day of the week: use monday to sunday (or mon to sun). Example: `weekly monday 19:00`');
    expect(refusal('weekly mo 10:00')).toContain('is not a day of the week');
    expect(refusal('in 2 years')).toContain("I couldn't read `2 years` as a duration. Examples: `in 2h`");
    expect(refusal('in 2h 3h')).toContain("couldn't read");
    expect(refusal('in soon')).toContain("couldn't read");
    expect(refusal('in 0 minutes')).toBe('A reminder needs a duration longer than zero. Example: `in 2h`');
  });

  it('refuses unreadable text listing the accepted forms, showing the text as inline code', () => {
    expect(refusal('next `friday` **please**')).toBe(
      "I couldn't read `next 'friday' **please**` as a time. Use one of: `2026-12-24 18:00`, `in 2h`, `in 90 minutes`, `in 3 days`, `tomorrow 09:00`, `daily 09:00`, `weekly monday 19:00`.",
    );
    expect(refusal('x'.repeat(500))).toContain(`\`${'x'.repeat(39)}…\``);
    expect(refusal('')).toContain('Use one of:');
  });

  it('refuses an unknown timezone instead of crashing', () => {
    expect(refusal('daily 09:00', 'Mars/Olympus')).toBe('"Mars/Olympus" is not a timezone I know. Example: `Europe/Berlin`.');
  });
});

describe('describeSchedule', () => {
  it('says when in words, in the timezone', () => {
    expect(describeSchedule({ kind: 'daily', time: '09:00' }, BERLIN)).toBe('daily at 09:00 (Europe/Berlin)');
    expect(describeSchedule({ kind: 'weekly', weekday: 1, time: '19:00' }, BERLIN)).toBe('every Monday at 19:00 (Europe/Berlin)');
    expect(describeSchedule({ kind: 'once', at: new Date('2026-12-24T17:00:00Z') }, BERLIN)).toBe('on Thu 24 Dec 2026 at 18:00 (Europe/Berlin)');
    expect(describeSchedule({ kind: 'once', at: new Date('2026-12-24T17:00:00Z') }, NEW_YORK)).toBe('on Thu 24 Dec 2026 at 12:00 (America/New_York)');
  });
});
