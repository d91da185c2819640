import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { fontFiles, hasGlyph, measureText, parseFontMetrics } from '../../src/render/fonts.ts';
import { svgToPng } from '../../src/render/rasterize.ts';
import { page } from '../../src/render/svg.ts';
import { drawableText, escapeXml, fitText, formatNumber, formatPercent, label } from '../../src/render/text.ts';
import { readFileSync } from 'node:fs';
import { decodePng } from './png-checks.ts';

describe('bundled font metrics', () => {
  it('reads both bundled fonts and measures like DejaVu Sans (wide W, narrow i, bold wider)', async () => {
    for (const file of Object.values(fontFiles)) {
      const metrics = parseFontMetrics(readFileSync(file));
      expect(metrics.unitsPerEm).toBe(2048);
      expect(metrics.glyphOf('A'.codePointAt(0)!)).toBeGreaterThan(0);
    }
    expect(measureText('WWWW', 10)).toBeGreaterThan(3 * measureText('iiii', 10));
    expect(measureText('Hello', 16, 'bold')).toBeGreaterThan(measureText('Hello', 16));
    expect(measureText('Hello', 32)).toBeCloseTo(2 * measureText('Hello', 16), 6);
    expect(measureText('', 16)).toBe(0);
  });

  it('knows which characters it can draw', async () => {
    expect(hasGlyph('é'.codePointAt(0)!)).toBe(true);
    expect(hasGlyph('Ж'.codePointAt(0)!)).toBe(true);
    expect(hasGlyph('●'.codePointAt(0)!)).toBe(true);
    expect(hasGlyph('田'.codePointAt(0)!)).toBe(false);
    expect(hasGlyph('🔥'.codePointAt(0)!)).toBe(false);
  });
});

describe('text for SVG', () => {
  it('escapes the five XML characters', async () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;');
  });

  it('drops characters XML forbids and glyphs the font lacks, keeps the rest', async () => {
    expect(drawableText('a\u0000b\u0007c')).toBe('abc');
    expect(drawableText('line one\nline\ttwo')).toBe('line one line two');
    expect(drawableText('🔥 Flame 🔥')).toBe('Flame');
    expect(drawableText('👩‍💻 dev')).toBe('dev');
    expect(drawableText('田中')).toBe('');
    expect(drawableText('Zoë Владимир')).toBe('Zoë Владимир');
    expect(drawableText('lone \uD800 surrogate')).toBe('lone surrogate');
  });

  it('cuts to a width with an ellipsis, never wider than asked, between graphemes', async () => {
    const long = 'AVeryLongNameThatGoesOnAndOn'.repeat(4);
    const cut = fitText(long, 200, 16, 'bold');
    expect(cut.endsWith('…')).toBe(true);
    expect(measureText(cut, 16, 'bold')).toBeLessThanOrEqual(200);
    expect(cut.length).toBeGreaterThan(10);
    expect(fitText('short', 200, 16)).toBe('short');
    // "e" + combining acute is one grapheme: it is kept whole or dropped whole.
    const accented = 'e\u0301'.repeat(40);
    const cutAccented = fitText(accented, 50, 16);
    expect(cutAccented.replace('…', '').length % 2).toBe(0);
  });

  it('label() gives escaped, drawable, fitted text with a fallback for nothing drawable', async () => {
    expect(label('<b>&', 300, 14)).toBe('&lt;b&gt;&amp;');
    expect(label('🔥🔥', 300, 14)).toBe('?');
  });

  it('formats numbers for axes and cells', async () => {
    expect(formatNumber(0.25, 2)).toBe('0.25');
    expect(formatNumber(-0.0001, 1)).toBe('0.0');
    expect(formatNumber(3000, 0)).toBe('3000');
    expect(formatNumber(Number.NaN, 2)).toBe('–');
    expect(formatPercent(0.9712)).toBe('97.1%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(Number.NaN)).toBe('–');
  });

  it('a page with hostile text is valid SVG that resvg parses and draws', async () => {
    const hostile = `<script>alert("x")</script> & 'quotes' \u0001 ]]> <!-- -->`;
    const svg = page({ width: 400, height: 120, title: hostile, subtitle: hostile, body: '' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;quotes&apos;');
    expect(() => new Resvg(svg)).not.toThrow();
    const picture = decodePng(await svgToPng(svg));
    expect(picture.width).toBe(400);
    expect(picture.darkPixels(20, 14, 380, 46)).toBeGreaterThan(100);
  });

  it('resvg refuses unescaped markup, so the escaping is what keeps names from breaking pictures', async () => {
    expect(() => new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>a & b</text></svg>')).toThrow();
  });
});
