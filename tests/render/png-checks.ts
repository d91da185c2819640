// Checks on rendered PNGs: the signature, the size, and that the picture holds more than a blank page.
import { PNG } from 'pngjs';
import { expect } from 'vitest';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface DecodedPicture {
  width: number;
  height: number;
  /** RGBA at (x, y). */
  pixel(x: number, y: number): [number, number, number, number];
  /** Distinct colours, each channel rounded to 16 levels, over the whole picture. */
  distinctColours(): number;
  /** Pixels in the rectangle darker than `luminance` (0-255) and opaque. */
  darkPixels(x0: number, y0: number, x1: number, y1: number, luminance?: number): number;
  /** Pixels in the whole picture matching a predicate on r, g, b. */
  count(predicate: (r: number, g: number, b: number) => boolean): number;
}

export function decodePng(png: Buffer): DecodedPicture {
  expect(Buffer.isBuffer(png)).toBe(true);
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  const image = PNG.sync.read(png);
  const { width, height, data } = image;
  const at = (x: number, y: number): number => (y * width + x) * 4;
  return {
    width,
    height,
    pixel: (x, y) => {
      const i = at(x, y);
      return [data[i], data[i + 1], data[i + 2], data[i + 3]];
    },
    distinctColours() {
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4) seen.add(((data[i] >> 4) << 12) | ((data[i + 1] >> 4) << 8) | ((data[i + 2] >> 4) << 4) | (data[i + 3] >> 4));
      return seen.size;
    },
    darkPixels(x0, y0, x1, y1, luminance = 90) {
      let dark = 0;
      for (let y = y0; y < Math.min(y1, height); y++) {
        for (let x = x0; x < Math.min(x1, width); x++) {
          const i = at(x, y);
          if (data[i + 3] > 200 && 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2] < luminance) dark++;
        }
      }
      return dark;
    },
    count(predicate) {
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 200 && predicate(data[i], data[i + 1], data[i + 2])) n++;
      return n;
    },
  };
}

/** The common expectations: a PNG of this size, several colours, a title drawn in dark text. */
export function expectPicture(png: Buffer, width: number, height: number): DecodedPicture {
  const picture = decodePng(png);
  expect(picture.width).toBe(width);
  expect(picture.height).toBe(height);
  expect(picture.distinctColours()).toBeGreaterThan(8);
  // The title sits at (24, ~20..44): glyphs there prove the bundled font was loaded and used.
  expect(picture.darkPixels(20, 14, 420, 46)).toBeGreaterThan(150);
  return picture;
}

/** Blue-ish (the actual series, the diagonal, the caller's row) and orange-ish (forecast, mistakes). */
export const isBlue = (r: number, g: number, b: number): boolean => b > 150 && b - r > 80 && b - g > 40;
export const isOrange = (r: number, g: number, b: number): boolean => r > 180 && r - b > 100 && g > 60 && g < 190;
