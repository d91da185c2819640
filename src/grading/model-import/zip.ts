// A defensive zip reader for uploaded archives (.keras, zipped TF.js or SavedModel folders).
//
// The central directory is read first and checked against the limits (entry count, declared
// total size, path escapes) before anything is inflated; inflating then counts the bytes it
// produces and stops as soon as an entry exceeds its declared size or the total limit, so a
// lying header cannot turn a small upload into gigabytes of memory.
import { Inflate } from 'fflate';
import { ModelRejectedError } from '../errors.ts';
import { formatBytes } from '../limits.ts';

export interface ZipLimits {
  /** Largest total uncompressed size accepted, in bytes. */
  maxUncompressedBytes: number;
  /** Largest number of entries (files and folders) accepted. */
  maxEntries: number;
}

interface ZipEntry {
  /** Normalised path inside the archive, '/'-separated, without a leading './'. */
  name: string;
  isDirectory: boolean;
  compressedSize: number;
  uncompressedSize: number;
  method: number;
  localHeaderOffset: number;
}

export interface ZipArchive {
  entries: ZipEntry[];
  /** Inflates one entry (by normalised name), enforcing the limits. */
  read(name: string): Uint8Array;
  has(name: string): boolean;
}

const endOfCentralDirectorySignature = 0x06054b50;
const zip64EndOfCentralDirectorySignature = 0x06064b50;
const zip64LocatorSignature = 0x07064b50;
const centralDirectorySignature = 0x02014b50;
const localHeaderSignature = 0x04034b50;
const inflateChunkBytes = 16 * 1024;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function corrupt(fileName: string, detail: string): ModelRejectedError {
  return new ModelRejectedError('corrupt-zip', `${fileName} is not a readable zip archive (${detail}). Upload the file again, unchanged.`);
}

/**
 * Normalises an entry name and refuses absolute paths, drive letters and `..` segments.
 * Returns the name with '/' separators and no leading './'.
 */
function safeEntryName(rawName: string, fileName: string): string {
  const name = rawName.replace(/\\/g, '/');
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.includes('\0')) {
    throw new ModelRejectedError('zip-path-escape', `${fileName} contains an entry with an absolute path ("${rawName}"); such archives are refused.`);
  }
  const segments = name.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) {
    throw new ModelRejectedError('zip-path-escape', `${fileName} contains an entry that points outside the archive ("${rawName}"); such archives are refused.`);
  }
  return segments.join('/') + (name.endsWith('/') && segments.length > 0 ? '/' : '');
}

export function openZip(bytes: Uint8Array, fileName: string, limits: ZipLimits): ZipArchive {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (offset: number) => view.getUint32(offset, true);
  const u16 = (offset: number) => view.getUint16(offset, true);
  const u64 = (offset: number) => Number(view.getBigUint64(offset, true));

  // The end-of-central-directory record sits in the last 22 + up to 65535 (comment) bytes.
  let eocd = -1;
  for (let offset = bytes.length - 22; offset >= Math.max(0, bytes.length - 22 - 0xffff); offset--) {
    if (u32(offset) === endOfCentralDirectorySignature) {
      eocd = offset;
      break;
    }
  }
  if (eocd < 0) throw corrupt(fileName, 'no central directory: the file may be cut short');

  let entryCount = u16(eocd + 10);
  let directorySize = u32(eocd + 12);
  let directoryOffset = u32(eocd + 16);
  if (entryCount === 0xffff || directoryOffset === 0xffffffff || directorySize === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || u32(locator) !== zip64LocatorSignature) throw corrupt(fileName, 'damaged zip64 directory');
    const zip64Eocd = u64(locator + 8);
    if (zip64Eocd + 56 > bytes.length || u32(zip64Eocd) !== zip64EndOfCentralDirectorySignature) {
      throw corrupt(fileName, 'damaged zip64 directory');
    }
    entryCount = u64(zip64Eocd + 32);
    directorySize = u64(zip64Eocd + 40);
    directoryOffset = u64(zip64Eocd + 48);
  }
  if (entryCount > limits.maxEntries) {
    throw new ModelRejectedError('zip-too-many-entries', `${fileName} holds ${entryCount} entries; at most ${limits.maxEntries} are accepted.`);
  }
  if (directoryOffset + directorySize > bytes.length) throw corrupt(fileName, 'the central directory lies past the end of the file');

  const entries: ZipEntry[] = [];
  let declaredTotal = 0;
  let offset = directoryOffset;
  for (let index = 0; index < entryCount; index++) {
    if (offset + 46 > bytes.length || u32(offset) !== centralDirectorySignature) throw corrupt(fileName, 'damaged central directory');
    const method = u16(offset + 10);
    let compressedSize = u32(offset + 20);
    let uncompressedSize = u32(offset + 24);
    const nameLength = u16(offset + 28);
    const extraLength = u16(offset + 30);
    const commentLength = u16(offset + 32);
    let localHeaderOffset = u32(offset + 42);
    if (offset + 46 + nameLength + extraLength > bytes.length) throw corrupt(fileName, 'damaged central directory');
    const rawName = new TextDecoder().decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
    // Zip64 sizes live in the extra field (id 1) in a fixed order, only for the saturated fields.
    let extra = offset + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = u16(extra);
      const size = u16(extra + 2);
      if (id === 0x0001) {
        let field = extra + 4;
        if (uncompressedSize === 0xffffffff && field + 8 <= extra + 4 + size) { uncompressedSize = u64(field); field += 8; }
        if (compressedSize === 0xffffffff && field + 8 <= extra + 4 + size) { compressedSize = u64(field); field += 8; }
        if (localHeaderOffset === 0xffffffff && field + 8 <= extra + 4 + size) { localHeaderOffset = u64(field); }
      }
      extra += 4 + size;
    }
    const name = safeEntryName(rawName, fileName);
    declaredTotal += uncompressedSize;
    if (declaredTotal > limits.maxUncompressedBytes) {
      throw new ModelRejectedError(
        'zip-bomb',
        `${fileName} would unpack to more than ${formatBytes(limits.maxUncompressedBytes)} ("${rawName}" alone declares ${formatBytes(uncompressedSize)}); such archives are refused.`,
      );
    }
    entries.push({
      name,
      isDirectory: name.endsWith('/'),
      compressedSize,
      uncompressedSize,
      method,
      localHeaderOffset,
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }

  let inflatedTotal = 0;
  const byName = new Map(entries.filter((entry) => !entry.isDirectory).map((entry) => [entry.name, entry]));

  function read(name: string): Uint8Array {
    const entry = byName.get(name);
    if (!entry) throw new ModelRejectedError('missing-file', `${fileName} has no ${name}.`);
    const local = entry.localHeaderOffset;
    if (local + 30 > bytes.length || u32(local) !== localHeaderSignature) throw corrupt(fileName, `damaged header of ${name}`);
    const dataStart = local + 30 + u16(local + 26) + u16(local + 28);
    const dataEnd = dataStart + entry.compressedSize;
    if (dataEnd > bytes.length) throw corrupt(fileName, `${name} is cut short`);
    const compressed = bytes.subarray(dataStart, dataEnd);
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.uncompressedSize) throw corrupt(fileName, `${name} has inconsistent sizes`);
      inflatedTotal += entry.uncompressedSize;
      return compressed;
    }
    if (entry.method !== 8) {
      throw new ModelRejectedError('corrupt-zip', `${fileName} stores ${name} with compression method ${entry.method}; only "deflate" and "stored" zips are accepted.`);
    }
    const output = new Uint8Array(entry.uncompressedSize);
    let produced = 0;
    const inflater = new Inflate((chunk) => {
      if (produced + chunk.length > entry.uncompressedSize) {
        throw new ModelRejectedError('zip-bomb', `${fileName}: ${name} unpacks to more than the ${formatBytes(entry.uncompressedSize)} its header declares; the archive is refused.`);
      }
      if (inflatedTotal + chunk.length > limits.maxUncompressedBytes) {
        throw new ModelRejectedError('zip-bomb', `${fileName} unpacks to more than ${formatBytes(limits.maxUncompressedBytes)}; the archive is refused.`);
      }
      output.set(chunk, produced);
      produced += chunk.length;
      inflatedTotal += chunk.length;
    });
    try {
      for (let start = 0; start < compressed.length; start += inflateChunkBytes) {
        const end = Math.min(compressed.length, start + inflateChunkBytes);
        inflater.push(compressed.subarray(start, end), end === compressed.length);
      }
      if (compressed.length === 0) inflater.push(new Uint8Array(0), true);
    } catch (error) {
      if (error instanceof ModelRejectedError) throw error;
      throw corrupt(fileName, `${name} does not inflate: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (produced !== entry.uncompressedSize) throw corrupt(fileName, `${name} is shorter than its header declares`);
    return output;
  }

  return { entries, read, has: (name) => byName.has(name) };
}
