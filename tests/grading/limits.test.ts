import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/grading/limits.ts';

describe('formatBytes, the one size format of every message (grader, zip reader, /grade downloads)', () => {
  it('counts bytes below 1 KB, then KB, MB and GB with one decimal, in binary units', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(128 * 1024 * 1024)).toBe('128.0 MB');
    expect(formatBytes(2 * 1024 ** 3)).toBe('2.0 GB');
  });

  it('writes whole KB when asked, as the /grade download messages do', () => {
    expect(formatBytes(4096, { kilobyteDecimals: 0 })).toBe('4 KB');
    expect(formatBytes(1536, { kilobyteDecimals: 0 })).toBe('2 KB');
    expect(formatBytes(2 * 1024 ** 3, { kilobyteDecimals: 0 })).toBe('2.0 GB');
  });
});
