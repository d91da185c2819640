// Safe access to uploaded HDF5 files through jsfive.
//
// jsfive trusts the file: on damaged input it throws whatever JavaScript error the bad offset
// leads to (or reads garbage). So the superblock is checked first (signature, and the
// end-of-file address it records against the bytes that arrived: a cut-short upload must not
// parse), and every jsfive call goes through here so that any failure becomes a
// ModelRejectedError with a specific message.
import * as hdf5 from 'jsfive';
import { inflateSync } from 'node:zlib';
import { ModelRejectedError } from '../errors.ts';
import { formatBytes } from '../limits.ts';

const hdf5Signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export function isHdf5(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && hdf5Signature.every((byte, index) => bytes[index] === byte);
}

/**
 * Checks the HDF5 superblock (at offset 0, where Keras/h5py put it) and that the file is as long
 * as the end-of-file address it records. Throws ModelRejectedError otherwise.
 */
function checkHdf5Superblock(bytes: Uint8Array, fileName: string): void {
  if (!isHdf5(bytes)) {
    throw new ModelRejectedError('not-a-model', `${fileName} is not an HDF5 file (it does not start with the HDF5 signature).`);
  }
  const cutShort = (recorded: number) =>
    new ModelRejectedError(
      'truncated-hdf5',
      `${fileName} is cut short: the file says it is ${recorded.toLocaleString('en-US')} bytes long but only ` +
        `${bytes.length.toLocaleString('en-US')} bytes arrived. Upload it again (download it completely from Colab first).`,
    );
  const headerCutShort = () =>
    new ModelRejectedError('truncated-hdf5', `${fileName} is cut short: only ${bytes.length} bytes arrived, not even a whole HDF5 header.`);
  if (bytes.length < 10) throw headerCutShort();
  const version = bytes[8];
  if (version > 3) {
    throw new ModelRejectedError('corrupt-hdf5', `${fileName} uses HDF5 superblock version ${version}, which is unknown; save the model again with model.save("model.h5").`);
  }
  if (version < 2 && bytes.length < 14) throw headerCutShort();
  const offsetSize = version < 2 ? bytes[13] : bytes[9];
  if (offsetSize !== 2 && offsetSize !== 4 && offsetSize !== 8) {
    throw new ModelRejectedError('corrupt-hdf5', `${fileName} has a damaged HDF5 header (offset size ${offsetSize}).`);
  }
  // Byte position of the base address; the end-of-file address follows two addresses later.
  const baseAddressAt = version === 0 ? 24 : version === 1 ? 28 : 12;
  const endOfFileAt = baseAddressAt + 2 * offsetSize;
  if (bytes.length < endOfFileAt + offsetSize) throw headerCutShort();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const readAddress = (at: number) =>
    offsetSize === 8 ? Number(view.getBigUint64(at, true)) : offsetSize === 4 ? view.getUint32(at, true) : view.getUint16(at, true);
  const base = readAddress(baseAddressAt);
  const endOfFile = base + readAddress(endOfFileAt);
  if (endOfFile > bytes.length) throw cutShort(endOfFile);
}

export interface Hdf5File {
  root: hdf5.Group;
  fileName: string;
}

/** Opens an HDF5 file from bytes after the superblock check. */
export function openHdf5(bytes: Uint8Array, fileName: string): Hdf5File {
  checkHdf5Superblock(bytes, fileName);
  // jsfive wants an ArrayBuffer holding exactly the file (a Node Buffer may sit in a shared pool).
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const root = guard(fileName, 'the HDF5 structure', () => new hdf5.File(buffer, fileName));
  return { root, fileName };
}

/** Runs a jsfive call and turns any failure into a ModelRejectedError naming what was read. */
function guard<T>(fileName: string, what: string, read: () => T): T {
  // jsfive prints diagnostics about damaged files (with raw bytes) to the console: keep the
  // grader's output clean; what matters reaches the member through the error below.
  const { log, warn } = console;
  console.log = console.warn = () => {};
  try {
    return read();
  } catch (error) {
    if (error instanceof ModelRejectedError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new ModelRejectedError(
      'corrupt-hdf5',
      `${fileName} is damaged: ${what} could not be read (${detail.slice(0, 160)}). Save the model again and upload the new file.`,
      { cause: error },
    );
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

export function isGroup(node: unknown): node is hdf5.Group {
  return node instanceof hdf5.Group;
}

export function isDataset(node: unknown): node is hdf5.Dataset {
  return node instanceof hdf5.Dataset;
}

/** Follows a '/'-separated path from a group; undefined when a link on the way is missing. */
export function getNode(file: Hdf5File, group: hdf5.Group, path: string): hdf5.Group | hdf5.Dataset | undefined {
  return guard(file.fileName, `"${path}"`, () => {
    let node: hdf5.Group | hdf5.Dataset = group;
    for (const segment of path.split('/').filter(Boolean)) {
      // jsfive throws a bare string for a missing link: look it up in the keys first.
      if (!isGroup(node) || !node.keys.includes(segment)) return undefined;
      const next: hdf5.Group | hdf5.Dataset | null | undefined = node.get(segment);
      if (!next) return undefined;
      node = next;
    }
    return node;
  });
}

/** Groups nested deeper than this are refused; Keras writes at most a handful of levels. */
const MAX_GROUP_DEPTH = 32;

/**
 * Visits the groups below `group` depth first. HDF5 links may point back at an ancestor (a hard
 * link loop in a hostile file): each group is entered once, by the address of its object header,
 * and a loop or a tree deeper than Keras ever writes is refused instead of overflowing the stack.
 * `visit` returns the children to descend into, in order.
 */
export function walkGroups(file: Hdf5File, group: hdf5.Group, path: string, visit: (group: hdf5.Group, path: string) => Array<[string, hdf5.Group]>): void {
  const entered = new Set<number>();
  const walk = (current: hdf5.Group, currentPath: string, depth: number): void => {
    const address = current._dataobjects?.offset;
    if (address !== undefined) {
      if (entered.has(address)) {
        throw new ModelRejectedError('corrupt-hdf5', `${file.fileName} is damaged: the group "${currentPath}" links back to a group that contains it, so its contents never end. Save the model again and upload the new file.`);
      }
      entered.add(address);
    }
    if (depth > MAX_GROUP_DEPTH) {
      throw new ModelRejectedError('corrupt-hdf5', `${file.fileName} is damaged: its groups nest more than ${MAX_GROUP_DEPTH} levels deep ("${currentPath.slice(0, 200)}"). Save the model again and upload the new file.`);
    }
    for (const [name, child] of visit(current, currentPath)) walk(child, `${currentPath}/${name}`, depth + 1);
  };
  walk(group, path, 0);
}

export function groupKeys(file: Hdf5File, group: hdf5.Group): string[] {
  return guard(file.fileName, `the contents of "${group.name}"`, () => [...group.keys]);
}

/** Reads a string attribute (or list of strings), removing the NUL padding of fixed-length strings. */
export function readStringAttribute(file: Hdf5File, node: hdf5.Group | hdf5.Dataset, name: string): string | undefined {
  const value = guard(file.fileName, `attribute "${name}"`, () => node.attrs[name]);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return stripNul(value);
  if (value instanceof Uint8Array) return stripNul(new TextDecoder().decode(value));
  return stripNul(String(value));
}

export function readStringListAttribute(file: Hdf5File, node: hdf5.Group | hdf5.Dataset, name: string): string[] {
  const value = guard(file.fileName, `attribute "${name}"`, () => node.attrs[name]);
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => stripNul(item instanceof Uint8Array ? new TextDecoder().decode(item) : String(item)));
}

function stripNul(text: string): string {
  // Old h5py stores fixed-length strings padded with NUL bytes.
  const end = text.indexOf('\0');
  return end < 0 ? text : text.slice(0, end);
}

export function datasetShape(file: Hdf5File, dataset: hdf5.Dataset): number[] {
  return guard(file.fileName, `the shape of "${dataset.name}"`, () => [...(dataset.shape ?? [])]);
}

/** Reads a numeric dataset as float32 (int64 counts and float64 arrays included). */
/** A compressed chunk never unpacks past this unless the dataset itself is larger. */
const MIN_CHUNK_INFLATE_BYTES = 1024 * 1024;

/** What the chunk being decoded may unpack to; set around each dataset read (reads are synchronous). */
let chunkInflateLimit = MIN_CHUNK_INFLATE_BYTES;

/**
 * The deflate filter jsfive runs on every compressed chunk, bounded: a chunk that unpacks past
 * what the dataset can hold (a 10-value bias stored as one gigabyte of gzip) stops at the limit
 * instead of taking the memory.
 */
export function boundedInflate(buffer: ArrayBuffer, maxBytes: number): ArrayBuffer {
  const out = inflateSync(new Uint8Array(buffer), { maxOutputLength: maxBytes });
  return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer;
}
export const boundedDeflateFilter = (buffer: ArrayBuffer): ArrayBuffer => boundedInflate(buffer, chunkInflateLimit);
hdf5.Filters.set(1, boundedDeflateFilter);

/** Bytes one value of an HDF5 dtype takes ('<f4' -> 4); 8 when it cannot be told. */
function itemSize(dtype: unknown): number {
  const digits = typeof dtype === 'string' ? /(\d+)$/.exec(dtype)?.[1] : undefined;
  return digits ? Number(digits) : 8;
}

export function readFloat32(file: Hdf5File, dataset: hdf5.Dataset): Float32Array {
  const item = itemSize(dataset.dtype);
  const datasetBytes = dataset.shape.reduce((n, d) => n * d, 1) * item;
  const chunk = guard(file.fileName, `the layout of "${dataset.name}"`, () => dataset._dataobjects?.chunks);
  const chunkBytes = chunk ? chunk.reduce((n, d) => n * d, 1) * item : datasetBytes;
  chunkInflateLimit = Math.max(1, Math.min(chunkBytes, Math.max(datasetBytes, MIN_CHUNK_INFLATE_BYTES)));
  return guard(file.fileName, `the values of "${dataset.name}"`, () => {
    let values: ArrayLike<number | bigint>;
    try {
      values = dataset.value;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new ModelRejectedError(
          'corrupt-hdf5',
          `${file.fileName} is damaged: a compressed block of "${dataset.name}" unpacks to more than the ${formatBytes(chunkInflateLimit)} it can hold, so it was not unpacked. Save the model again and upload the new file.`,
        );
      }
      throw error;
    }
    if (values instanceof Float32Array) return values;
    const out = new Float32Array(values.length);
    for (let index = 0; index < values.length; index++) out[index] = Number(values[index]);
    return out;
  });
}
