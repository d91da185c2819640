import { describe, expect, it } from 'vitest';
import { addWeeks, isoWeekOf, weekBounds, weekIndex } from '../../src/mockexam/week.ts';
import { checkProblemSet, examScore, rotatingProblemSet } from '../../src/mockexam/problem-set.ts';
import { problemCatalog } from '../../problems/index.ts';

describe('weeks in a server timezone', () => {
  it('puts the same instant in different ISO weeks depending on the timezone', () => {
    const sundayEveningUtc = new Date('2026-11-29T23:30:00Z');
    expect(isoWeekOf(sundayEveningUtc, 'UTC')).toBe('2026-W48');
    expect(isoWeekOf(sundayEveningUtc, 'Asia/Tokyo')).toBe('2026-W49'); // already Monday 08:30
    expect(isoWeekOf(new Date('2026-11-30T05:00:00Z'), 'America/Los_Angeles')).toBe('2026-W48'); // Sunday 21:00
  });

  it('handles ISO week-years that differ from the calendar year', () => {
    expect(isoWeekOf(new Date('2027-01-01T12:00:00Z'), 'UTC')).toBe('2026-W53');
    expect(addWeeks('2026-W53', 1)).toBe('2027-W01');
    expect(addWeeks('2027-W01', -1)).toBe('2026-W53');
  });

  it('bounds a week at local Mondays, across a daylight saving change', () => {
    const { start, end } = weekBounds('2026-W13', 'Europe/Berlin');
    expect(start.toISOString()).toBe('2026-03-22T23:00:00.000Z'); // Monday 00:00 CET
    expect(end.toISOString()).toBe('2026-03-29T22:00:00.000Z'); // Monday 00:00 CEST
    expect((end.getTime() - start.getTime()) / 3_600_000).toBe(167);
  });

  it('numbers weeks consecutively', () => {
    expect(weekIndex('2026-W49') - weekIndex('2026-W48')).toBe(1);
    expect(weekIndex('2027-W01') - weekIndex('2026-W53')).toBe(1);
  });
});

describe('the weekly problem set', () => {
  it('has one problem per category and rotates the variants week by week', () => {
    const thisWeek = rotatingProblemSet('2026-W48', problemCatalog);
    const nextWeek = rotatingProblemSet('2026-W49', problemCatalog);
    const categoryOf = (id: string) => problemCatalog.find((p) => p.id === id)!.category;
    expect(thisWeek.map(categoryOf)).toEqual([1, 2, 3, 4, 5]);
    expect(thisWeek[0]).not.toBe(nextWeek[0]); // three linear variants
    expect(thisWeek[4]).not.toBe(nextWeek[4]); // three time series variants
    expect(thisWeek[1]).toBe(nextWeek[1]); // one MNIST problem
    expect(rotatingProblemSet('2026-W48', problemCatalog)).toEqual(thisWeek);
    const variants = new Set([0, 1, 2].map((i) => rotatingProblemSet(addWeeks('2026-W48', i), problemCatalog)[0]));
    expect(variants).toEqual(new Set(['linear-a', 'linear-b', 'linear-c']));
  });

  it('checks a moderator\'s set', () => {
    expect(checkProblemSet(['linear-a', 'mnist', 'horse-or-human', 'bbc-news', 'sunspots'], problemCatalog)).toEqual([]);
    const problems = checkProblemSet(['linear-a', 'linear-b', 'mnist', 'bbc-news', 'nope'], problemCatalog);
    expect(problems.join('\n')).toMatch(/"nope" is not a problem/);
    expect(problems.join('\n')).toMatch(/Category 1 has 2 problems/);
    expect(problems.join('\n')).toMatch(/Category 3 needs a problem/);
  });

  it('scores an exam as sum(points x weight) / 75 x 100', () => {
    expect(examScore([1, 2, 3, 4, 5].map((w) => ({ points: 5, weight: w })))).toBe(100);
    expect(examScore([{ points: 5, weight: 5 }, { points: 3, weight: 1 }])).toBeCloseTo((28 / 75) * 100, 10);
  });
});
