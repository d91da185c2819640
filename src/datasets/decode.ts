// Decoders for the dataset file formats: IDX (gzip), PNG and CSV.
import { gunzipSync } from 'node:zlib';
import { PNG } from 'pngjs';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Decodes an IDX file of unsigned bytes (MNIST), gzip-compressed or not. */
export function decodeIdx(bytes: Uint8Array, name = 'IDX file'): IdxArray {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
  if (raw.length < 4 || raw[0] !== 0 || raw[1] !== 0) throw new Error(`${name} is not an IDX file (bad magic number)`);
  if (raw[2] !== 0x08) throw new Error(`${name} holds IDX type 0x${raw[2].toString(16)}, only unsigned bytes (0x08) are supported`);
  const rank = raw[3];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const header = 4 + 4 * rank;
  if (raw.length < header) throw new Error(`${name} is truncated (header)`);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  if (raw.length !== header + count) {
    throw new Error(`${name} has ${raw.length - header} data bytes, its header (${dims.join('x')}) says ${count}`);
  }
  return { dims, data: raw.subarray(header) };
}

/**
 * Decodes a PNG into `size` x `size` RGB bytes (row-major, HWC) the way Keras' load_img does with
 * target_size and the default 'nearest' interpolation: PIL converts to RGB by dropping alpha, then
 * resizes with NEAREST, which samples source pixel floor((x + 0.5) * sourceSize / size); for
 * 300 -> 150 that is pixel 2x + 1 on each axis.
 */
export function decodePngRgbNearest(bytes: Uint8Array, size: number): Uint8Array {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const { width, height, data } = png;
  const out = new Uint8Array(size * size * 3);
  const sourceX = new Int32Array(size);
  const sourceY = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    sourceX[i] = Math.min(width - 1, Math.floor(((i + 0.5) * width) / size));
    sourceY[i] = Math.min(height - 1, Math.floor(((i + 0.5) * height) / size));
  }
  let o = 0;
  for (let y = 0; y < size; y++) {
    const row = sourceY[y] * width;
    for (let x = 0; x < size; x++) {
      const p = (row + sourceX[x]) * 4;
      out[o++] = data[p];
      out[o++] = data[p + 1];
      out[o++] = data[p + 2];
    }
  }
  return out;
}

