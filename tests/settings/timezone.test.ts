import { describe, expect, it } from 'vitest';
import { canonicalTimezone, timezonesMatching } from '../../src/timezone.ts';

describe('canonicalTimezone', () => {
  it('spells a zone the way the time zone database does, in whatever case it was typed', () => {
    expect(canonicalTimezone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimezone('Europe/BERLIN')).toBe('Europe/Berlin');
    expect(canonicalTimezone('america/north_dakota/new_salem')).toBe('America/North_Dakota/New_Salem');
    expect(canonicalTimezone('UTC')).toBe('UTC');
    expect(canonicalTimezone('Utc')).toBe('UTC');
  });

  it('resolves an alias the runtime knows to a name that round-trips', () => {
    const resolved = canonicalTimezone('us/eastern');
    expect(resolved).toBeDefined();
    expect(canonicalTimezone(resolved!)).toBe(resolved);
    expect(resolved).not.toBe('us/eastern');
  });

  it('refuses what names no zone: unknown places, offsets, words such as local', () => {
    for (const typed of ['Mars/Olympus', 'Berlin', '+01:00', 'UTC+1', 'local', 'system', '', '   ', 'Europe/Berlin; drop table']) {
      expect(canonicalTimezone(typed), typed).toBeUndefined();
    }
  });
});

describe('timezonesMatching', () => {
  it('finds zones by a city typed with spaces, in any case', () => {
    expect(timezonesMatching('new york', 5)).toEqual(['America/New_York']);
    expect(timezonesMatching('BERLIN', 5)).toEqual(['Europe/Berlin']);
    expect(timezonesMatching('Mars', 5)).toEqual([]);
  });

  it('puts names with a part starting with what was typed first, and keeps to the limit', () => {
    const matches = timezonesMatching('lin', 25);
    expect(matches[0]).toBe('Australia/Lindeman');
    expect(matches).toEqual(expect.arrayContaining(['Europe/Berlin', 'Europe/Dublin']));
    expect(timezonesMatching('', 3)).toHaveLength(3);
    expect(timezonesMatching('a', 25)).toHaveLength(25);
  });
});
