// The leaderboard card: the top rows with medals for the first three, a bar per score relative to
// the best, and the caller's own row set apart below when it is not among the top rows.
import { measureText } from './fonts.ts';
import { colors, contentTop, page, PAD, px, textElement } from './svg.ts';
import { drawableText, escapeXml, fitText, formatNumber, label } from './text.ts';

export interface LeaderboardRow {
  rank: number;
  name: string;
  score: number;
  /** A short note drawn in grey after the name, e.g. "4 of 5 problems" or "3 weeks". */
  detail?: string;
  /** The caller's own row. */
  highlight?: boolean;
}

export interface LeaderboardCardInput {
  title: string;
  subtitle?: string;
  /** The top rows in order, then optionally the caller's own row when it is not among them. */
  rows: LeaderboardRow[];
  footer?: string;
}

export const CARD_WIDTH = 800;
/** Rows drawn as the top of the board; rows after these are drawn below a gap (the caller's own). */
const TOP_ROWS = 10;
const MAX_ROWS = TOP_ROWS + 1;
const ROW_HEIGHT = 40;
const GAP_HEIGHT = 22;
const FOOTER_HEIGHT = 34;
const BOTTOM_PAD = 14;

const MEDALS: Record<number, string> = { 1: '#d4a017', 2: '#9aa3ae', 3: '#b8733a' };

// Columns, in pixels from the left edge.
const RANK_CENTER = PAD + 22;
const NAME_X = PAD + 52;
const DETAIL_RIGHT = 560;
const BAR_X = 580;
const BAR_WIDTH = 110;
const SCORE_RIGHT = CARD_WIDTH - PAD - 8;

function layoutOf(input: LeaderboardCardInput): { rowsTop: number; height: number; gap: boolean } {
  const rowCount = Math.max(1, Math.min(input.rows.length, MAX_ROWS));
  const gap = input.rows.length > TOP_ROWS;
  const rowsTop = contentTop(input.subtitle) + 8;
  const footer = input.footer ? FOOTER_HEIGHT : BOTTOM_PAD;
  return { rowsTop, gap, height: rowsTop + rowCount * ROW_HEIGHT + (gap ? GAP_HEIGHT : 0) + footer };
}

/** Size of the card for this input: 800 wide, as tall as its rows need (at most 10 + 1 rows). */
export function leaderboardCardSize(input: LeaderboardCardInput): { width: number; height: number } {
  return { width: CARD_WIDTH, height: layoutOf(input).height };
}

/** A score as shown: whole numbers as they are, others with one decimal. */
export function formatScore(score: number): string {
  if (!Number.isFinite(score)) return '–';
  return Number.isInteger(score) ? String(score) : formatNumber(score, 1);
}

function rowSvg(row: LeaderboardRow, y: number, index: number, bestScore: number): string {
  const parts: string[] = [];
  const middle = y + ROW_HEIGHT / 2;
  if (row.highlight) {
    parts.push(
      `<rect x="${PAD - 8}" y="${px(y + 2)}" width="${CARD_WIDTH - 2 * PAD + 16}" height="${ROW_HEIGHT - 4}" rx="6" fill="#e8f0fe"/>`,
      `<rect x="${PAD - 8}" y="${px(y + 2)}" width="4" height="${ROW_HEIGHT - 4}" rx="2" fill="${colors.blue}"/>`,
    );
  } else if (index % 2 === 1) {
    parts.push(`<rect x="${PAD - 8}" y="${px(y + 2)}" width="${CARD_WIDTH - 2 * PAD + 16}" height="${ROW_HEIGHT - 4}" rx="6" fill="#f7f8fa"/>`);
  }

  const rankText = Number.isFinite(row.rank) ? String(Math.trunc(row.rank)) : '–';
  const medal = MEDALS[row.rank];
  if (medal) {
    parts.push(`<circle cx="${RANK_CENTER}" cy="${px(middle)}" r="14" fill="${medal}"/>`);
    parts.push(textElement(escapeXml(rankText), { x: RANK_CENTER, y: middle + 5, size: 14, weight: 'bold', fill: '#ffffff', anchor: 'middle' }));
  } else {
    const rankSize = rankText.length > 3 ? 11 : 14;
    parts.push(textElement(escapeXml(rankText), { x: RANK_CENTER, y: middle + 5, size: rankSize, weight: 'bold', fill: colors.muted, anchor: 'middle' }));
  }

  const detail = row.detail ? drawableText(row.detail) : '';
  const detailText = detail ? fitText(detail, 200, 13) : '';
  const detailWidth = detailText ? measureText(detailText, 13) : 0;
  const nameRoom = DETAIL_RIGHT - NAME_X - (detailText ? detailWidth + 16 : 0);
  parts.push(textElement(label(row.name, nameRoom, 16, 'bold'), { x: NAME_X, y: middle + 6, size: 16, weight: 'bold', fill: colors.text }));
  if (detailText) {
    parts.push(textElement(escapeXml(detailText), { x: DETAIL_RIGHT, y: middle + 5, size: 13, fill: colors.muted, anchor: 'end' }));
  }

  const share = bestScore > 0 && Number.isFinite(row.score) ? Math.max(0, Math.min(1, row.score / bestScore)) : 0;
  parts.push(`<rect x="${BAR_X}" y="${px(middle - 4)}" width="${BAR_WIDTH}" height="8" rx="4" fill="#e5e7eb"/>`);
  if (share > 0) {
    parts.push(`<rect x="${BAR_X}" y="${px(middle - 4)}" width="${px(Math.max(8, BAR_WIDTH * share))}" height="8" rx="4" fill="${row.highlight ? colors.blue : '#60a5fa'}"/>`);
  }
  parts.push(textElement(escapeXml(formatScore(row.score)), { x: SCORE_RIGHT, y: middle + 6, size: 17, weight: 'bold', fill: colors.text, anchor: 'end' }));
  return parts.join('');
}

export function leaderboardCardSvg(input: LeaderboardCardInput): string {
  if (!Array.isArray(input.rows)) throw new TypeError('rows must be an array of leaderboard rows');
  if (input.rows.length > MAX_ROWS) {
    throw new RangeError(`A leaderboard card shows at most ${MAX_ROWS} rows (the top ${TOP_ROWS} and the caller's own); got ${input.rows.length}.`);
  }
  const { rowsTop, height, gap } = layoutOf(input);
  const parts: string[] = [];
  const scores = input.rows.map((row) => row.score).filter(Number.isFinite);
  const bestScore = scores.length ? Math.max(...scores) : 0;
  if (input.rows.length === 0) {
    parts.push(textElement('No scores yet.', { x: NAME_X, y: rowsTop + ROW_HEIGHT / 2 + 6, size: 16, fill: colors.muted }));
  }
  let y = rowsTop;
  input.rows.forEach((row, index) => {
    if (index === TOP_ROWS && gap) {
      const dotsY = y + GAP_HEIGHT / 2;
      parts.push(`<path d="M${PAD} ${px(dotsY)}H${CARD_WIDTH - PAD}" stroke="#d1d5db" stroke-dasharray="2 5" stroke-linecap="round" stroke-width="2"/>`);
      y += GAP_HEIGHT;
    }
    parts.push(rowSvg(row, y, index, bestScore));
    y += ROW_HEIGHT;
  });
  if (input.footer) {
    parts.push(textElement(label(input.footer, CARD_WIDTH - 2 * PAD, 12, 'regular', ''), { x: PAD, y: height - 14, size: 12, fill: colors.muted }));
  }
  return page({ width: CARD_WIDTH, height, title: input.title, subtitle: input.subtitle, body: parts.join('') });
}
