// Compressed HDF5 chunks unpack through a bounded inflate: a small file cannot ask for gigabytes.
import { deflateSync } from 'node:zlib';
import * as hdf5 from 'jsfive';
import { describe, expect, it } from 'vitest';
import { boundedDeflateFilter, boundedInflate } from '../../src/grading/model-import/hdf5.ts';

describe('HDF5 deflate chunks', () => {
  const zeros = deflateSync(Buffer.alloc(10 * 1024 * 1024));
  const compressed = zeros.buffer.slice(zeros.byteOffset, zeros.byteOffset + zeros.byteLength) as ArrayBuffer;

  it('stop unpacking at the limit: 10 MB of zeros in a 10 KB stream, where 40 bytes were declared', () => {
    expect(compressed.byteLength).toBeLessThan(20_000);
    expect(() => boundedInflate(compressed, 40)).toThrow(expect.objectContaining({ code: 'ERR_BUFFER_TOO_LARGE' }));
    expect(boundedInflate(compressed, 10 * 1024 * 1024).byteLength).toBe(10 * 1024 * 1024);
  });

  it('are what jsfive runs for the deflate filter', () => {
    expect(hdf5.Filters.get(1)).toBe(boundedDeflateFilter);
  });
});
