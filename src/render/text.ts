// Text that goes into an SVG: escaped for XML, stripped of what the bundled font cannot draw, and cut
// with an ellipsis to a width in pixels.
import { hasGlyph, measureText, type FontWeight } from './fonts.ts';

const ELLIPSIS = '…';

/** Escapes the five XML special characters; the result is safe in element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => {
    switch (char) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&apos;';
    }
  });
}

// Characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF): an SVG containing one
// does not parse at all, so they are removed rather than escaped.
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// Joiners, variation selectors, skin-tone modifiers and tag characters only mean something next to an
// emoji, which the bundled font does not have.
function isEmojiModifier(cp: number): boolean {
  return cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0x1f3fb && cp <= 0x1f3ff) || (cp >= 0xe0020 && cp <= 0xe007f) || cp === 0x20e3;
}

/**
 * Makes text drawable with the bundled font: removes characters XML forbids, turns other control
 * characters (tabs, newlines) into spaces, leaves out characters the font has no glyph for (emoji,
 * CJK), and collapses runs of spaces. May return an empty string.
 */
export function drawableText(text: string, weight: FontWeight = 'regular'): string {
  let out = '';
  for (const char of text.replace(XML_INVALID, '')) {
    const cp = char.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) out += ' ';
    else if (isEmojiModifier(cp)) continue;
    else if (hasGlyph(cp, weight)) out += char;
  }
  return out.replace(/\s+/g, ' ').trim();
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Cuts text to at most maxWidth pixels at `size` px, ending in an ellipsis when cut. Cuts between
 * grapheme clusters, so accents stay on their letters. Does not escape.
 */
export function fitText(text: string, maxWidth: number, size: number, weight: FontWeight = 'regular'): string {
  if (measureText(text, size, weight) <= maxWidth) return text;
  const budget = maxWidth - measureText(ELLIPSIS, size, weight);
  let out = '';
  let width = 0;
  for (const { segment } of segmenter.segment(text)) {
    const next = measureText(segment, size, weight);
    if (width + next > budget) break;
    out += segment;
    width += next;
  }
  return out.trimEnd() + ELLIPSIS;
}

/** drawableText, then fitText, then escapeXml: what every label of a picture goes through. */
export function label(text: string, maxWidth: number, size: number, weight: FontWeight = 'regular', fallback = '?'): string {
  const drawable = drawableText(text, weight) || fallback;
  return escapeXml(fitText(drawable, maxWidth, size, weight));
}

/** A number for an axis or a cell: no exponent for everyday magnitudes, `decimals` after the point. */
export function formatNumber(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e7 || abs < 1e-4)) return value.toExponential(1);
  const fixed = value.toFixed(Math.max(0, Math.min(6, decimals)));
  // "-0.0" reads as a bug on an axis.
  return /^-0(\.0*)?$/.test(fixed) ? fixed.slice(1) : fixed;
}

export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  const percent = fraction * 100;
  return `${percent === 100 || percent === 0 ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

/**
 * Lays pieces of text out on lines of at most maxWidth pixels, joined by `separator` and broken
 * only between pieces, so a piece ("3 horse-or-human") is never split. A piece wider than a line
 * on its own is cut with an ellipsis. Does not escape.
 */
export function wrapPieces(pieces: string[], separator: string, maxWidth: number, size: number, weight: FontWeight = 'regular'): string[] {
  const lines: string[] = [];
  let line = '';
  for (const raw of pieces) {
    const piece = fitText(raw, maxWidth, size, weight);
    if (!piece) continue;
    const joined = line ? `${line}${separator}${piece}` : piece;
    if (line && measureText(joined.trimEnd(), size, weight) > maxWidth) {
      lines.push(line.trimEnd());
      line = piece;
    } else {
      line = joined;
    }
  }
  if (line) lines.push(line.trimEnd());
  return lines;
}
