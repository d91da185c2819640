// Building blocks shared by the pictures: the page with its title, text elements, a linear scale
// with round tick values, and the colours.
import { FONT_FAMILY, measureText } from './fonts.ts';
import { drawableText, escapeXml, fitText, formatNumber, label } from './text.ts';

export const colors = {
  background: '#ffffff',
  border: '#e5e7eb',
  text: '#111827',
  muted: '#6b7280',
  grid: '#eef0f3',
  axis: '#9ca3af',
  blue: '#2563eb',
  orange: '#ea580c',
  orangeLight: '#fdba74',
} as const;

export const PAD = 24;
const TITLE_SIZE = 22;
const SUBTITLE_SIZE = 14;

/** Rounds a coordinate to one decimal: smaller SVGs, no visible difference. */
export function px(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

export interface TextOptions {
  x: number;
  y: number;
  size: number;
  weight?: 'bold';
  fill?: string;
  anchor?: 'start' | 'middle' | 'end';
  /** Degrees, around (x, y). */
  rotate?: number;
}

/** A <text> element; `content` must already be escaped (see label() and escapeXml()). */
export function textElement(content: string, options: TextOptions): string {
  const attributes = [`x="${px(options.x)}"`, `y="${px(options.y)}"`, `font-size="${options.size}"`];
  if (options.weight) attributes.push(`font-weight="${options.weight}"`);
  attributes.push(`fill="${options.fill ?? colors.text}"`);
  if (options.anchor && options.anchor !== 'start') attributes.push(`text-anchor="${options.anchor}"`);
  if (options.rotate) attributes.push(`transform="rotate(${options.rotate} ${px(options.x)} ${px(options.y)})"`);
  return `<text ${attributes.join(' ')}>${content}</text>`;
}

export interface PageOptions {
  width: number;
  height: number;
  title: string;
  subtitle?: string;
  body: string;
}

/** Where the content of a page may start, below its title and subtitle. */
export function contentTop(subtitle: string | undefined): number {
  return subtitle ? 76 : 56;
}

/** A complete SVG document: white card, title (bold) and optional subtitle at the top left. */
export function page(options: PageOptions): string {
  const { width, height } = options;
  const maxWidth = width - 2 * PAD;
  const parts = [
    `<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="10" fill="${colors.background}" stroke="${colors.border}"/>`,
    textElement(label(options.title, maxWidth, TITLE_SIZE, 'bold', 'Untitled'), { x: PAD, y: 38, size: TITLE_SIZE, weight: 'bold' }),
  ];
  if (options.subtitle) {
    parts.push(textElement(label(options.subtitle, maxWidth, SUBTITLE_SIZE, 'regular', ''), { x: PAD, y: 61, size: SUBTITLE_SIZE, fill: colors.muted }));
  }
  parts.push(options.body);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="${escapeXml(FONT_FAMILY)}">${parts.join('')}</svg>`
  );
}

/** A message in the middle of an empty plot area ("No data to plot"). */
export function emptyMessage(message: string, centerX: number, centerY: number): string {
  return textElement(escapeXml(message), { x: centerX, y: centerY, size: 16, fill: colors.muted, anchor: 'middle' });
}

export interface LinearScale {
  /** Domain after rounding out to whole ticks. */
  min: number;
  max: number;
  ticks: number[];
  /** Decimals that tell the ticks apart. */
  decimals: number;
  toPixel(value: number): number;
}

function niceStep(rough: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / magnitude;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * magnitude;
}

/**
 * Maps [dataMin, dataMax] to [pixelStart, pixelEnd] with about `tickCount` round ticks. The domain is
 * rounded out to whole ticks unless `exact` (then the ticks are the round values inside it). A
 * zero-width domain (all values equal) is widened around the value; a non-finite one becomes [0, 1].
 */
export function linearScale(dataMin: number, dataMax: number, pixelStart: number, pixelEnd: number, tickCount = 6, exact = false): LinearScale {
  let low = dataMin;
  let high = dataMax;
  if (!Number.isFinite(low) || !Number.isFinite(high) || low > high) {
    low = 0;
    high = 1;
  }
  if (high - low < 1e-12 * Math.max(1, Math.abs(low))) {
    const spread = low === 0 ? 1 : Math.abs(low) * 0.1;
    low -= spread;
    high += spread;
  }
  const step = niceStep((high - low) / Math.max(1, tickCount - 1));
  const min = exact ? low : Math.floor(low / step + 1e-9) * step;
  const max = exact ? high : Math.ceil(high / step - 1e-9) * step;
  const firstTick = Math.ceil(min / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; firstTick + i * step <= max + step * 1e-9; i++) ticks.push(firstTick + i * step);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (step / 10 ** Math.floor(Math.log10(step) + 1e-9) === 2.5 ? 1 : 0));
  const span = max - min;
  return {
    min,
    max,
    ticks,
    decimals,
    toPixel: (value) => pixelStart + ((value - min) / span) * (pixelEnd - pixelStart),
  };
}

export interface PlotArea {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The size of every chart (confusion matrix, forecast, regression); leaderboard cards have their own. */
export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 500;

/** A chart's page: CHART_WIDTH x CHART_HEIGHT, with its title and subtitle. */
export function chartPage(title: string, subtitle: string | undefined, body: string): string {
  return page({ width: CHART_WIDTH, height: CHART_HEIGHT, title, subtitle, body });
}

/**
 * The frame of a two-axis chart: its plot area, with room left of it and below it for the tick
 * labels and axis titles, and its legend on the line above it.
 */
export function chartFrame(subtitle: string | undefined, legendEntries: LegendEntry[]): { area: PlotArea; legendSvg: string } {
  const top = contentTop(subtitle);
  const area = { left: 76, top: top + 30, right: CHART_WIDTH - 28, bottom: CHART_HEIGHT - 58 };
  return { area, legendSvg: legend(legendEntries, area.left, top + 12) };
}

/** Grid lines, tick labels and axis titles of a two-axis plot. */
export function axes(area: PlotArea, x: LinearScale, y: LinearScale, xTitle: string, yTitle: string): string {
  const parts: string[] = [];
  for (const tick of y.ticks) {
    const ty = y.toPixel(tick);
    parts.push(`<line x1="${px(area.left)}" y1="${px(ty)}" x2="${px(area.right)}" y2="${px(ty)}" stroke="${colors.grid}"/>`);
    parts.push(textElement(escapeXml(formatNumber(tick, y.decimals)), { x: area.left - 8, y: ty + 4, size: 12, fill: colors.muted, anchor: 'end' }));
  }
  for (const tick of x.ticks) {
    const tx = x.toPixel(tick);
    parts.push(`<line x1="${px(tx)}" y1="${px(area.top)}" x2="${px(tx)}" y2="${px(area.bottom)}" stroke="${colors.grid}"/>`);
    parts.push(textElement(escapeXml(formatNumber(tick, x.decimals)), { x: tx, y: area.bottom + 18, size: 12, fill: colors.muted, anchor: 'middle' }));
  }
  parts.push(
    `<path d="M${px(area.left)} ${px(area.top)}V${px(area.bottom)}H${px(area.right)}" fill="none" stroke="${colors.axis}"/>`,
    textElement(label(xTitle, area.right - area.left, 13), { x: (area.left + area.right) / 2, y: area.bottom + 40, size: 13, fill: colors.text, anchor: 'middle' }),
    textElement(label(yTitle, area.bottom - area.top, 13), { x: 20, y: (area.top + area.bottom) / 2, size: 13, fill: colors.text, anchor: 'middle', rotate: -90 }),
  );
  return parts.join('');
}

export interface LegendEntry {
  text: string;
  color: string;
  shape: 'line' | 'dot';
}

/** A one-line legend starting at (x, y) (y is the text baseline). */
function legend(entries: LegendEntry[], x: number, y: number): string {
  const parts: string[] = [];
  let cursor = x;
  for (const entry of entries) {
    if (entry.shape === 'line') {
      parts.push(`<line x1="${px(cursor)}" y1="${px(y - 4)}" x2="${px(cursor + 22)}" y2="${px(y - 4)}" stroke="${entry.color}" stroke-width="3" stroke-linecap="round"/>`);
    } else {
      parts.push(`<circle cx="${px(cursor + 11)}" cy="${px(y - 4)}" r="4" fill="${entry.color}"/>`);
    }
    const text = fitText(drawableText(entry.text), 260, 13);
    parts.push(textElement(escapeXml(text), { x: cursor + 30, y, size: 13, fill: colors.text }));
    cursor += 30 + measureText(text, 13) + 24;
  }
  return parts.join('');
}

/**
 * An SVG path through points, broken where a point is missing (null): NaN values leave a gap. An
 * isolated point becomes a short stroke so that it shows as a dot with round caps.
 */
export function pathThrough(points: ReadonlyArray<readonly [number, number] | null>): string {
  let d = '';
  let runLength = 0;
  for (const point of points) {
    if (!point) {
      if (runLength === 1) d += 'h0.1';
      runLength = 0;
      continue;
    }
    d += `${runLength === 0 ? 'M' : 'L'}${px(point[0])} ${px(point[1])}`;
    runLength++;
  }
  if (runLength === 1) d += 'h0.1';
  return d;
}
