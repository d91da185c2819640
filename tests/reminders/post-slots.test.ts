// When a server's posts are due: one slot per local day (or Monday) at the local time, across
// daylight-saving changes, and what an outage leaves to send late or to skip.
import { describe, expect, it } from 'vitest';
import { DEFAULT_GRACE_MS, nextSlot, slotsBetween, triage } from '../../src/reminders/post-slots.ts';

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

describe('slotsBetween', () => {
  it('gives one 09:00 slot per local day across both transitions in Europe/Berlin', () => {
    const spring = slotsBetween('daily-tip', '09:00', 'Europe/Berlin', at('2026-03-27T12:00:00Z'), at('2026-03-31T12:00:00Z'));
    expect(spring.map((s) => [s.slot, s.dueAt.toISOString()])).toEqual([
      ['2026-03-28', '2026-03-28T08:00:00.000Z'],
      ['2026-03-29', '2026-03-29T07:00:00.000Z'], // summer time from this morning
      ['2026-03-30', '2026-03-30T07:00:00.000Z'],
      ['2026-03-31', '2026-03-31T07:00:00.000Z'],
    ]);
    const autumn = slotsBetween('daily-tip', '09:00', 'Europe/Berlin', at('2026-10-24T12:00:00Z'), at('2026-10-26T12:00:00Z'));
    expect(autumn.map((s) => s.dueAt.toISOString())).toEqual(['2026-10-25T08:00:00.000Z', '2026-10-26T08:00:00.000Z']);
  });

  it('posts a time inside the spring-forward gap right after it, and a repeated hour once (America/New_York)', () => {
    const gap = slotsBetween('daily-quiz', '02:30', 'America/New_York', at('2026-03-07T00:00:00Z'), at('2026-03-09T23:00:00Z'));
    expect(gap.map((s) => [s.slot, s.dueAt.toISOString()])).toEqual([
      ['2026-03-07', '2026-03-07T07:30:00.000Z'],
      ['2026-03-08', '2026-03-08T07:00:00.000Z'], // 03:00 EDT, the first minute after the gap
      ['2026-03-09', '2026-03-09T06:30:00.000Z'],
    ]);
    const repeated = slotsBetween('daily-quiz', '01:30', 'America/New_York', at('2026-10-31T12:00:00Z'), at('2026-11-02T12:00:00Z'));
    expect(repeated.map((s) => [s.slot, s.dueAt.toISOString()])).toEqual([
      ['2026-11-01', '2026-11-01T05:30:00.000Z'], // the first 01:30, still EDT
      ['2026-11-02', '2026-11-02T06:30:00.000Z'],
    ]);
  });

  it('gives the weekly post one slot per ISO week, on Monday', () => {
    const slots = slotsBetween('weekly-post', '08:00', 'Asia/Tokyo', at('2026-11-20T00:00:00Z'), at('2026-12-08T00:00:00Z'));
    expect(slots.map((s) => [s.slot, s.dueAt.toISOString()])).toEqual([
      ['2026-W48', '2026-11-22T23:00:00.000Z'],
      ['2026-W49', '2026-11-29T23:00:00.000Z'],
      ['2026-W50', '2026-12-06T23:00:00.000Z'],
    ]);
    expect(nextSlot('weekly-post', '08:00', 'Asia/Tokyo', at('2026-11-29T23:00:00Z')).slot).toBe('2026-W50');
  });
});

describe('triage after an outage', () => {
  it('sends a slot missed by 3 hours once, marked delayed, and one due a minute ago on time', () => {
    const now = at('2026-12-01T11:00:00Z');
    const slots = slotsBetween('daily-tip', '09:00', 'Europe/Berlin', new Date(now.getTime() - 2 * 24 * HOUR + HOUR), now);
    const { send, skip } = triage(slots, now, DEFAULT_GRACE_MS);
    expect(send).toEqual([{ slot: '2026-12-01', dueAt: at('2026-12-01T08:00:00Z'), delayed: true }]);
    expect(skip.map((s) => s.slot)).toEqual(['2026-11-30']);
    expect(triage(slots, at('2026-12-01T08:01:00Z'), DEFAULT_GRACE_MS).send[0]).toMatchObject({ slot: '2026-12-01', delayed: false });
  });

  it('sends none of the slots of a 2-day outage', () => {
    const now = at('2026-12-03T07:30:00Z'); // before the day's 09:00 in Berlin
    const slots = slotsBetween('daily-tip', '09:00', 'Europe/Berlin', at('2026-11-30T09:00:00Z'), now);
    const { send, skip } = triage(slots, now, DEFAULT_GRACE_MS);
    expect(send).toEqual([]);
    expect(skip.map((s) => s.slot)).toEqual(['2026-12-01', '2026-12-02']);
  });
});
