// The bundled fonts and their metrics. Text is measured here (advance widths from the font files
// themselves) so that names can be cut to fit and glyphs the font lacks can be left out, instead of
// guessing and letting resvg draw overflowing or missing text.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FONT_FAMILY = 'DejaVu Sans';

const fontsDir = new URL('../../assets/fonts/', import.meta.url);

export const fontFiles = {
  regular: fileURLToPath(new URL('DejaVuSans.ttf', fontsDir)),
  bold: fileURLToPath(new URL('DejaVuSans-Bold.ttf', fontsDir)),
} as const;

export type FontWeight = 'regular' | 'bold';

/** What measuring needs from a TrueType font: units per em, the glyph of a code point, its advance. */
export interface FontMetrics {
  unitsPerEm: number;
  /** Glyph index of a code point; 0 when the font has no glyph for it. */
  glyphOf(codePoint: number): number;
  advanceOf(glyph: number): number;
}

/** Reads the head, hhea, hmtx and cmap (format 4 or 12) tables of a TrueType file. */
export function parseFontMetrics(bytes: Uint8Array): FontMetrics {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = new Map<string, number>();
  const numTables = view.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const record = 12 + i * 16;
    const tag = String.fromCharCode(bytes[record], bytes[record + 1], bytes[record + 2], bytes[record + 3]);
    tables.set(tag, view.getUint32(record + 8));
  }
  const table = (tag: string): number => {
    const offset = tables.get(tag);
    if (offset === undefined) throw new Error(`font file has no '${tag}' table`);
    return offset;
  };
  const unitsPerEm = view.getUint16(table('head') + 18);
  const numberOfHMetrics = view.getUint16(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advanceOf = (glyph: number): number =>
    view.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));

  const cmap = table('cmap');
  let format4: number | undefined;
  let format12: number | undefined;
  const subtables = view.getUint16(cmap + 2);
  for (let i = 0; i < subtables; i++) {
    const record = cmap + 4 + i * 8;
    const platform = view.getUint16(record);
    const encoding = view.getUint16(record + 2);
    const offset = cmap + view.getUint32(record + 4);
    const format = view.getUint16(offset);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12) format12 ??= offset;
    if (format === 4) format4 ??= offset;
  }

  let glyphOf: (codePoint: number) => number;
  if (format12 !== undefined) {
    const base = format12;
    const groups = view.getUint32(base + 12);
    glyphOf = (cp) => {
      let low = 0;
      let high = groups - 1;
      while (low <= high) {
        const mid = (low + high) >> 1;
        const group = base + 16 + mid * 12;
        const start = view.getUint32(group);
        const end = view.getUint32(group + 4);
        if (cp < start) high = mid - 1;
        else if (cp > end) low = mid + 1;
        else return view.getUint32(group + 8) + (cp - start);
      }
      return 0;
    };
  } else if (format4 !== undefined) {
    const base = format4;
    const segCount = view.getUint16(base + 6) / 2;
    const endCodes = base + 14;
    const startCodes = endCodes + segCount * 2 + 2;
    const idDeltas = startCodes + segCount * 2;
    const idRangeOffsets = idDeltas + segCount * 2;
    glyphOf = (cp) => {
      if (cp > 0xffff) return 0;
      for (let s = 0; s < segCount; s++) {
        if (view.getUint16(endCodes + s * 2) < cp) continue;
        const start = view.getUint16(startCodes + s * 2);
        if (start > cp) return 0;
        const delta = view.getUint16(idDeltas + s * 2);
        const rangeOffset = view.getUint16(idRangeOffsets + s * 2);
        if (rangeOffset === 0) return (cp + delta) & 0xffff;
        const glyph = view.getUint16(idRangeOffsets + s * 2 + rangeOffset + 2 * (cp - start));
        return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
      }
      return 0;
    };
  } else {
    throw new Error('font file has no Unicode cmap subtable (format 4 or 12)');
  }
  return { unitsPerEm, glyphOf, advanceOf };
}

const loaded = new Map<FontWeight, FontMetrics>();

function fontMetrics(weight: FontWeight): FontMetrics {
  let metrics = loaded.get(weight);
  if (!metrics) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(fontFiles[weight]);
    } catch (error) {
      throw new Error(`The bundled font ${fontFiles[weight]} cannot be read; pictures need the assets/fonts folder next to src/.`, { cause: error });
    }
    metrics = parseFontMetrics(bytes);
    loaded.set(weight, metrics);
  }
  return metrics;
}

/** Whether the bundled font draws this code point (both weights cover the same set closely enough). */
export function hasGlyph(codePoint: number, weight: FontWeight = 'regular'): boolean {
  return fontMetrics(weight).glyphOf(codePoint) !== 0;
}

/** Width in pixels of text set in the bundled font at `size` px, without kerning (so never too small by much). */
export function measureText(text: string, size: number, weight: FontWeight = 'regular'): number {
  const metrics = fontMetrics(weight);
  let units = 0;
  for (const char of text) units += metrics.advanceOf(metrics.glyphOf(char.codePointAt(0)!));
  return (units * size) / metrics.unitsPerEm;
}
