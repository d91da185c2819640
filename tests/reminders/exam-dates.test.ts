import { describe, expect, it } from 'vitest';
import { DEFAULT_EXAM_RULES, examReminders, examSummary, parseExamDate } from '../../src/reminders/exam-dates.ts';

const BERLIN = 'Europe/Berlin';
/** Monday 30 November 2026, 10:00 in Berlin. */
const NOW = new Date('2026-11-30T09:00:00Z');

function schedule(reminders: Array<{ key: string; at: Date }>): Array<[string, string]> {
  return reminders.map(({ key, at }) => [key, at.toISOString()]);
}

describe('parseExamDate', () => {
  it('accepts a calendar date as YYYY-MM-DD', () => {
    expect(parseExamDate(' 2027-01-15 ')).toEqual({ ok: true, value: '2027-01-15' });
    expect(parseExamDate('2028-02-29')).toEqual({ ok: true, value: '2028-02-29' });
  });

  it('refuses a year outside 2015-2100, which no exam, voucher or certificate has', () => {
    for (const date of ['9999-12-31', '1999-01-01']) {
      const result = parseExamDate(date);
      expect(result).toEqual({ ok: false, reason: `${date} is outside 2015-2100. Example: \`2027-03-15\`` });
    }
  });

  it('refuses other spellings and impossible dates, with an example', () => {
    expect(parseExamDate('15/01/2027')).toEqual({ ok: false, reason: 'Give the date as YYYY-MM-DD. Example: `2027-03-15`' });
    expect(parseExamDate('2027-1-15')).toEqual({ ok: false, reason: 'Give the date as YYYY-MM-DD. Example: `2027-03-15`' });
    expect(parseExamDate('2027-02-29')).toEqual({ ok: false, reason: '2027-02-29 is not a date on the calendar. Example: `2027-03-15`' });
    expect(parseExamDate('2027-13-01').ok).toBe(false);
  });
});

describe('examReminders', () => {
  it('counts down to an exam at 09:00 local, wishes luck at 08:00 on the day and asks how it went the day after at 18:00', () => {
    expect(schedule(examReminders('exam', '2027-01-15', BERLIN, DEFAULT_EXAM_RULES, NOW))).toEqual([
      ['exam-30d', '2026-12-16T08:00:00.000Z'],
      ['exam-14d', '2027-01-01T08:00:00.000Z'],
      ['exam-7d', '2027-01-08T08:00:00.000Z'],
      ['exam-3d', '2027-01-12T08:00:00.000Z'],
      ['exam-1d', '2027-01-14T08:00:00.000Z'],
      ['exam-day', '2027-01-15T07:00:00.000Z'],
      ['exam-after', '2027-01-16T17:00:00.000Z'],
    ]);
  });

  it('keeps only the reminders after now, so a date set late gets the rest', () => {
    expect(examReminders('exam', '2027-01-15', BERLIN, DEFAULT_EXAM_RULES, new Date('2027-01-12T08:00:00Z')).map((r) => r.key)).toEqual([
      'exam-1d',
      'exam-day',
      'exam-after',
    ]);
    expect(examReminders('exam', '2027-01-15', BERLIN, DEFAULT_EXAM_RULES, new Date('2027-01-16T17:00:00Z'))).toEqual([]);
  });

  it('uses the member timezone, and local times across daylight saving', () => {
    const newYork = examReminders('exam', '2027-03-15', 'America/New_York', DEFAULT_EXAM_RULES, NOW);
    // 7 days before is 8 March, before New York's transition on 14 March; the day itself is after it.
    expect(schedule(newYork.filter((r) => ['exam-7d', 'exam-day'].includes(r.key)))).toEqual([
      ['exam-7d', '2027-03-08T14:00:00.000Z'],
      ['exam-day', '2027-03-15T12:00:00.000Z'],
    ]);
  });

  it('the texts say "your exam", the date, and what to do', () => {
    const texts = Object.fromEntries(examReminders('exam', '2027-01-15', BERLIN, DEFAULT_EXAM_RULES, NOW).map((r) => [r.key, r.text]));
    expect(texts['exam-30d']).toContain('Your exam is in 30 days, on Fri 15 Jan 2027');
    expect(texts['exam-7d']).toContain('`/mockexam start`');
    expect(texts['exam-day']).toContain('Good luck');
    expect(texts['exam-after']).toContain('How did your exam go');
    expect(Object.values(texts).every((text) => !/TensorFlow Developer Certificate/.test(text) && text.length < 200)).toBe(true);
  });

  it('reminds 30 and 7 days before a voucher expires, 6 months after purchase by default', () => {
    // 31 August + 6 months is the last day of February.
    const reminders = examReminders('voucher', '2026-08-31', BERLIN, DEFAULT_EXAM_RULES, NOW);
    expect(schedule(reminders)).toEqual([
      ['voucher-30d', '2027-01-29T08:00:00.000Z'],
      ['voucher-7d', '2027-02-21T08:00:00.000Z'],
    ]);
    expect(reminders[0].text).toBe('Your exam voucher expires in 30 days, on Sun 28 Feb 2027. Book your exam before Sun 28 Feb 2027.');
  });

  it('reminds 90 and 30 days before a certificate expires, 3 years after by default', () => {
    const reminders = examReminders('certified', '2024-03-01', BERLIN, DEFAULT_EXAM_RULES, NOW);
    expect(schedule(reminders)).toEqual([
      ['certified-90d', '2026-12-01T08:00:00.000Z'],
      ['certified-30d', '2027-01-30T08:00:00.000Z'],
    ]);
    expect(reminders[0].text).toContain('expires in 90 days, on Mon 1 Mar 2027');
  });

  it("follows a server's rules instead of the defaults", () => {
    const rules = { voucherMonths: 12, certificateYears: 2 };
    expect(schedule(examReminders('voucher', '2026-06-15', BERLIN, rules, NOW))).toEqual([
      ['voucher-30d', '2027-05-16T07:00:00.000Z'],
      ['voucher-7d', '2027-06-08T07:00:00.000Z'],
    ]);
    expect(schedule(examReminders('certified', '2025-03-01', BERLIN, rules, NOW)).map(([key]) => key)).toEqual(['certified-90d', 'certified-30d']);
  });

  it('has nothing left for an expired voucher', () => {
    expect(examReminders('voucher', '2025-01-01', BERLIN, DEFAULT_EXAM_RULES, NOW)).toEqual([]);
  });
});

describe('examSummary', () => {
  it('states the exam date, and when a voucher or certificate expires', () => {
    expect(examSummary('exam', '2027-01-15', DEFAULT_EXAM_RULES)).toEqual({ line: 'Exam: Fri 15 Jan 2027' });
    expect(examSummary('voucher', '2026-08-31', DEFAULT_EXAM_RULES)).toEqual({
      expires: '2027-02-28',
      line: 'Voucher: bought Mon 31 Aug 2026, expires Sun 28 Feb 2027 (valid 6 months)',
    });
    expect(examSummary('certified', '2024-03-01', { voucherMonths: 6, certificateYears: 1 })).toEqual({
      expires: '2025-03-01',
      line: 'Certified: Fri 1 Mar 2024, expires Sat 1 Mar 2025 (valid 1 year)',
    });
  });
});
