// The leaderboard card: the top rows with medals for the first three, a bar per score on the scale
// of the best possible score, and the caller's own row set apart below when it is not among the top
// rows. A week's board has a column of points per problem, named in full in a legend under the rows.
//
// leaderboardCardLayout() decides every text and shape (what tests look at); leaderboardCardSvg()
// only draws that layout.
import { measureText, type FontWeight } from './fonts.ts';
import { colors, contentTop, page, PAD, px, textElement } from './svg.ts';
import { drawableText, escapeXml, fitText, formatNumber, wrapPieces } from './text.ts';

export interface LeaderboardRow {
  rank: number;
  name: string;
  score: number;
  /** One short value per column of the card (points per problem; '–' for none). */
  cells?: string[];
  /** A short note drawn in grey where cells would be, e.g. "3 weeks", for boards without columns. */
  detail?: string;
  /** The caller's own row. */
  highlight?: boolean;
}

/** A column of the card: a short header over the cells, and what it stands for in the legend. */
export interface LeaderboardColumn {
  header: string;
  name: string;
}

export interface LeaderboardCardInput {
  title: string;
  subtitle?: string;
  /** The top rows in order, then optionally the caller's own row when it is not among them. */
  rows: LeaderboardRow[];
  /** The score of a full bar: the best score possible on this board (100 for a week's exam). */
  maxScore: number;
  /** Decimals of every score (default 1); 0 for boards of whole points. */
  scoreDecimals?: number;
  columns?: LeaderboardColumn[];
  /** Drawn instead of the rows when there are none. */
  emptyText?: string;
  footer?: string;
}

export const CARD_WIDTH = 800;
/** Rows drawn as the top of the board; rows after these are drawn below a gap (the caller's own). */
const TOP_ROWS = 10;
const MAX_ROWS = TOP_ROWS + 1;
const MAX_COLUMNS = 6;
const ROW_HEIGHT = 40;
const HEADER_HEIGHT = 20;
const GAP_HEIGHT = 22;
const NOTE_SIZE = 12;
const NOTE_LINE_HEIGHT = 17;
const BOTTOM_PAD = 14;

const MEDALS: Record<number, string> = { 1: '#d4a017', 2: '#9aa3ae', 3: '#b8733a' };

// Columns, in pixels from the left edge.
const RANK_CENTER = PAD + 22;
const NAME_X = PAD + 52;
const SCORE_RIGHT = CARD_WIDTH - PAD - 8;
const BAR_X = 590;
const BAR_WIDTH = 110;
/** Right edge of the cells (or of the detail). */
const CELLS_RIGHT = BAR_X - 18;
const CELL_WIDTH = 34;
const NAME_SIZES = [16, 14] as const;
const NOTE_WIDTH = CARD_WIDTH - 2 * PAD;

/** One piece of text on the card, drawable as it is (escaping happens when it is drawn). */
export interface CardText {
  text: string;
  x: number;
  /** Baseline. */
  y: number;
  size: number;
  weight: FontWeight;
  fill: string;
  anchor: 'start' | 'middle' | 'end';
}

export interface CardRowLayout {
  top: number;
  /** Tinted as the caller's row, striped as every second row, or plain. */
  background: 'caller' | 'stripe' | 'none';
  medal?: { cx: number; cy: number; fill: string };
  rank: CardText;
  name: CardText;
  cells: CardText[];
  detail?: CardText;
  /** The track of the bar and the filled part, score / maxScore of it. */
  bar: { x: number; y: number; width: number; filled: number; fill: string };
  score: CardText;
}

export interface LeaderboardCardLayout {
  width: number;
  height: number;
  headers: CardText[];
  rows: CardRowLayout[];
  /** The dotted line before the caller's own row, when it is set apart. */
  gapY?: number;
  empty?: CardText;
  /** Legend of the columns, then the footer, wrapped to the card's width. */
  notes: CardText[];
}

/** A score as shown everywhere on the card: one decimal unless the board says otherwise ("20.0", "26.7"). */
export function formatScore(score: number, decimals = 1): string {
  return formatNumber(score, decimals);
}

function text(content: string, x: number, y: number, size: number, options: Partial<Pick<CardText, 'weight' | 'fill' | 'anchor'>> = {}): CardText {
  return { text: content, x, y, size, weight: options.weight ?? 'regular', fill: options.fill ?? colors.text, anchor: options.anchor ?? 'start' };
}

/** The name at the largest size at which it fits, cut with an ellipsis only when it fits at none. */
function fittedName(name: string, room: number): { text: string; size: number } {
  const drawable = drawableText(name, 'bold') || '?';
  for (const size of NAME_SIZES) {
    if (measureText(drawable, size, 'bold') <= room) return { text: drawable, size };
  }
  const size = NAME_SIZES[NAME_SIZES.length - 1];
  return { text: fitText(drawable, room, size, 'bold'), size };
}

function cellCenter(index: number, count: number): number {
  return CELLS_RIGHT - (count - index - 0.5) * CELL_WIDTH;
}

function rowLayout(row: LeaderboardRow, top: number, index: number, input: LeaderboardCardInput): CardRowLayout {
  const middle = top + ROW_HEIGHT / 2;
  const columns = input.columns ?? [];
  const columnCount = columns.length;
  const rankText = Number.isFinite(row.rank) ? String(Math.trunc(row.rank)) : '–';
  const medalFill = MEDALS[row.rank];

  const cells = columns.map((_, i) => {
    const value = fitText(drawableText(row.cells?.[i] ?? '', 'bold'), CELL_WIDTH - 4, 14, 'bold');
    const missing = value === '' || value === '–';
    return text(missing ? '–' : value, cellCenter(i, columnCount), middle + 5, 14, { weight: 'bold', fill: missing ? colors.muted : colors.text, anchor: 'middle' });
  });
  const detailText = columnCount === 0 && row.detail ? fitText(drawableText(row.detail), 200, 13) : '';
  const detail = detailText ? text(detailText, CELLS_RIGHT, middle + 5, 13, { fill: colors.muted, anchor: 'end' }) : undefined;
  const nameRight = columnCount > 0 ? CELLS_RIGHT - columnCount * CELL_WIDTH - 8 : detail ? CELLS_RIGHT - measureText(detailText, 13) - 16 : CELLS_RIGHT;
  const name = fittedName(row.name, nameRight - NAME_X);

  const share = input.maxScore > 0 && Number.isFinite(row.score) ? Math.max(0, Math.min(1, row.score / input.maxScore)) : 0;
  return {
    top,
    background: row.highlight ? 'caller' : index % 2 === 1 ? 'stripe' : 'none',
    ...(medalFill ? { medal: { cx: RANK_CENTER, cy: middle, fill: medalFill } } : {}),
    rank: text(rankText, RANK_CENTER, middle + 5, medalFill || rankText.length <= 3 ? 14 : 11, {
      weight: 'bold',
      fill: medalFill ? '#ffffff' : colors.muted,
      anchor: 'middle',
    }),
    name: text(name.text, NAME_X, middle + 6, name.size, { weight: 'bold' }),
    cells,
    ...(detail ? { detail } : {}),
    bar: { x: BAR_X, y: middle - 4, width: BAR_WIDTH, filled: BAR_WIDTH * share, fill: row.highlight ? colors.blue : '#60a5fa' },
    score: text(formatScore(row.score, input.scoreDecimals), SCORE_RIGHT, middle + 6, 17, { weight: 'bold', anchor: 'end' }),
  };
}

/** Where everything on the card goes. */
export function leaderboardCardLayout(input: LeaderboardCardInput): LeaderboardCardLayout {
  if (!Array.isArray(input.rows)) throw new TypeError('rows must be an array of leaderboard rows');
  if (input.rows.length > MAX_ROWS) {
    throw new RangeError(`A leaderboard card shows at most ${MAX_ROWS} rows (the top ${TOP_ROWS} and the caller's own); got ${input.rows.length}.`);
  }
  if ((input.columns?.length ?? 0) > MAX_COLUMNS) throw new RangeError(`A leaderboard card has at most ${MAX_COLUMNS} columns; got ${input.columns!.length}.`);
  // Without rows, column headers and their legend would explain nothing.
  const columns = input.rows.length > 0 ? (input.columns ?? []) : [];

  const headerTop = contentTop(input.subtitle) + 8;
  const headers = columns.map((c, i) =>
    text(fitText(drawableText(c.header), CELL_WIDTH, 12, 'bold'), cellCenter(i, columns.length), headerTop + 13, 12, { weight: 'bold', fill: colors.muted, anchor: 'middle' }),
  );
  const rowsTop = headerTop + (columns.length > 0 ? HEADER_HEIGHT : 0);

  const rows: CardRowLayout[] = [];
  let y = rowsTop;
  let gapY: number | undefined;
  input.rows.forEach((row, index) => {
    if (index === TOP_ROWS) {
      gapY = y + GAP_HEIGHT / 2;
      y += GAP_HEIGHT;
    }
    rows.push(rowLayout(row, y, index, input));
    y += ROW_HEIGHT;
  });
  let empty: CardText | undefined;
  if (rows.length === 0) {
    empty = text(fitText(drawableText(input.emptyText ?? '') || 'No scores yet.', CARD_WIDTH - NAME_X - PAD, 16), NAME_X, y + ROW_HEIGHT / 2 + 6, 16, { fill: colors.muted });
    y += ROW_HEIGHT;
  }

  const legend = wrapPieces(
    columns.map((c) => `${drawableText(c.header)} ${drawableText(c.name)}`.trim()),
    ' · ',
    NOTE_WIDTH,
    NOTE_SIZE,
  );
  const footer = input.footer ? wrapPieces(drawableText(input.footer).split(' '), ' ', NOTE_WIDTH, NOTE_SIZE) : [];
  const noteLines = [...legend, ...footer];
  y += noteLines.length > 0 ? 8 : 0;
  const notes = noteLines.map((line) => {
    y += NOTE_LINE_HEIGHT;
    return text(line, PAD, y - 4, NOTE_SIZE, { fill: colors.muted });
  });
  return { width: CARD_WIDTH, height: Math.ceil(y + BOTTOM_PAD), headers, rows, ...(gapY === undefined ? {} : { gapY }), ...(empty ? { empty } : {}), notes };
}

/** Size of the card for this input: 800 wide, as tall as its rows and notes need. */
export function leaderboardCardSize(input: LeaderboardCardInput): { width: number; height: number } {
  const { width, height } = leaderboardCardLayout(input);
  return { width, height };
}

/** A card's piece of text as SVG. */
export function drawCardText(item: CardText): string {
  return textElement(escapeXml(item.text), {
    x: item.x,
    y: item.y,
    size: item.size,
    fill: item.fill,
    anchor: item.anchor,
    ...(item.weight === 'bold' ? { weight: 'bold' as const } : {}),
  });
}

function rowSvg(row: CardRowLayout): string {
  const parts: string[] = [];
  const band = `x="${PAD - 8}" y="${px(row.top + 2)}" height="${ROW_HEIGHT - 4}" rx="6"`;
  if (row.background === 'caller') {
    parts.push(`<rect ${band} width="${CARD_WIDTH - 2 * PAD + 16}" fill="#e8f0fe"/>`);
    parts.push(`<rect x="${PAD - 8}" y="${px(row.top + 2)}" width="4" height="${ROW_HEIGHT - 4}" rx="2" fill="${colors.blue}"/>`);
  } else if (row.background === 'stripe') {
    parts.push(`<rect ${band} width="${CARD_WIDTH - 2 * PAD + 16}" fill="#f7f8fa"/>`);
  }
  if (row.medal) parts.push(`<circle cx="${px(row.medal.cx)}" cy="${px(row.medal.cy)}" r="14" fill="${row.medal.fill}"/>`);
  parts.push(drawCardText(row.rank), drawCardText(row.name), ...row.cells.map(drawCardText));
  if (row.detail) parts.push(drawCardText(row.detail));
  const { bar } = row;
  parts.push(`<rect x="${bar.x}" y="${px(bar.y)}" width="${bar.width}" height="8" rx="4" fill="#e5e7eb"/>`);
  // A sliver under 8 px would draw as a dot; the bar keeps its rounded ends.
  if (bar.filled > 0) parts.push(`<rect x="${bar.x}" y="${px(bar.y)}" width="${px(Math.max(8, bar.filled))}" height="8" rx="4" fill="${bar.fill}"/>`);
  parts.push(drawCardText(row.score));
  return parts.join('');
}

export function leaderboardCardSvg(input: LeaderboardCardInput): string {
  const layout = leaderboardCardLayout(input);
  const parts: string[] = layout.headers.map(drawCardText);
  if (layout.empty) parts.push(drawCardText(layout.empty));
  layout.rows.forEach((row, index) => {
    if (index === TOP_ROWS && layout.gapY !== undefined) {
      parts.push(`<path d="M${PAD} ${px(layout.gapY)}H${CARD_WIDTH - PAD}" stroke="#d1d5db" stroke-dasharray="2 5" stroke-linecap="round" stroke-width="2"/>`);
    }
    parts.push(rowSvg(row));
  });
  parts.push(...layout.notes.map(drawCardText));
  return page({ width: layout.width, height: layout.height, title: input.title, subtitle: input.subtitle, body: parts.join('') });
}
