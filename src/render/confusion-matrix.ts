// Confusion matrix for a classification problem: counts in the cells, colour by share of the row
// (blue on the diagonal for correct answers, orange elsewhere for mistakes), recall per class and
// the overall accuracy beside it.
import { measureText } from './fonts.ts';
import { CHART_HEIGHT, CHART_WIDTH, chartPage, colors, contentTop, emptyMessage, px, textElement } from './svg.ts';
import { drawableText, escapeXml, fitText, formatPercent, label } from './text.ts';

export interface ConfusionMatrixInput {
  title: string;
  classNames: string[];
  /** matrix[actual][predicted]: how many samples of class `actual` were predicted as `predicted`. */
  matrix: number[][];
  subtitle?: string;
}

const LABEL_MAX_WIDTH = 150;
const RIGHT_PANEL = 200;
const MAX_CELL = 150;

type Rgb = [number, number, number];
const BLUE_SCALE: [Rgb, Rgb] = [[219, 234, 254], [30, 64, 175]];
const ORANGE_SCALE: [Rgb, Rgb] = [[255, 237, 213], [194, 65, 12]];
const EMPTY_CELL = '#f6f7f9';
// Any non-empty cell gets at least this much colour, so that a single mistake among thousands shows.
const MIN_TINT = 0.12;

/**
 * Colour strength of a cell from its share of the row. Mistakes are mostly a few percent of a row,
 * so their scale is a square root: 1% and 10% look different. Correct answers use a linear scale.
 */
function tintOf(share: number, diagonal: boolean): number {
  return MIN_TINT + (1 - MIN_TINT) * (diagonal ? share : Math.sqrt(share));
}

function hex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

function mix([from, to]: [Rgb, Rgb], t: number): string {
  return hex([0, 1, 2].map((i) => from[i] + (to[i] - from[i]) * t) as Rgb);
}

/** Checks the shape and counts; non-finite counts are read as 0. */
function cleanMatrix(classNames: string[], matrix: number[][]): number[][] {
  if (!Array.isArray(classNames) || !Array.isArray(matrix)) throw new TypeError('classNames and matrix must be arrays');
  if (matrix.length !== classNames.length) {
    throw new RangeError(`The confusion matrix has ${matrix.length} rows but there are ${classNames.length} class names; it must be square, one row and one column per class.`);
  }
  return matrix.map((row, r) => {
    if (!Array.isArray(row) || row.length !== classNames.length) {
      throw new RangeError(`Row ${r} of the confusion matrix has ${Array.isArray(row) ? row.length : 'no'} cells; expected ${classNames.length}, one per class.`);
    }
    return row.map((count, c) => {
      if (!Number.isFinite(count)) return 0;
      if (count < 0) throw new RangeError(`Cell [${r}][${c}] of the confusion matrix is negative (${count}); counts cannot be.`);
      return count;
    });
  });
}

function countText(count: number): string {
  return Number.isInteger(count) ? String(count) : count.toFixed(1);
}

export function confusionMatrixSvg(input: ConfusionMatrixInput): string {
  const matrix = cleanMatrix(input.classNames, input.matrix);
  const n = matrix.length;
  const top = contentTop(input.subtitle) + 26;
  if (n === 0) {
    const body = emptyMessage('No classes to show', CHART_WIDTH / 2, (top + CHART_HEIGHT) / 2);
    return chartPage(input.title, input.subtitle, body);
  }

  const labelSize = n <= 10 ? 13 : n <= 20 ? 11 : 9;
  const names = input.classNames.map((name, i) => drawableText(String(name)) || `class ${i}`);
  const rowLabelWidth = Math.min(LABEL_MAX_WIDTH, Math.max(...names.map((name) => measureText(name, labelSize))));
  const panelX = CHART_WIDTH - RIGHT_PANEL + 66;
  const leftmost = 44 + rowLabelWidth + 10;
  const availableWidth = CHART_WIDTH - RIGHT_PANEL - leftmost;
  const cellFor = (bottomSpace: number): number => Math.min(MAX_CELL, Math.floor(Math.min(availableWidth, CHART_HEIGHT - top - bottomSpace) / n));
  // Column labels lie flat when each fits its cell, else they are slanted and need more room below.
  let cell = cellFor(52);
  const slanted = names.some((name) => measureText(name, labelSize) > cell - 6);
  if (slanted) cell = cellFor(104);
  const size = cell * n;
  // Centre the matrix, its labels and the recall column in the room left of the summary panel.
  const left = leftmost + Math.max(0, Math.floor((panelX - 40 - (leftmost + size + 12 + 56)) / 2));
  const right = left + size;
  const bottom = top + size;

  const rowTotals = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const total = rowTotals.reduce((a, b) => a + b, 0);
  const correct = matrix.reduce((sum, row, i) => sum + row[i], 0);

  const parts: string[] = [];
  let cellFontSize = Math.max(9, Math.min(20, Math.floor(cell * 0.34)));
  const widest = Math.max(...matrix.flat().map((count) => measureText(countText(count), cellFontSize, 'bold')));
  if (widest > cell - 6) cellFontSize = Math.floor((cellFontSize * (cell - 6)) / widest);
  const showCounts = cellFontSize >= 7;
  const showPercent = cell >= 64;

  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const count = matrix[r][c];
      const share = rowTotals[r] > 0 ? count / rowTotals[r] : 0;
      const tint = count > 0 ? tintOf(share, r === c) : 0;
      const fill = count > 0 ? mix(r === c ? BLUE_SCALE : ORANGE_SCALE, tint) : EMPTY_CELL;
      const x = left + c * cell;
      const y = top + r * cell;
      parts.push(`<rect class="cell" x="${px(x + 1)}" y="${px(y + 1)}" width="${px(cell - 2)}" height="${px(cell - 2)}" rx="${Math.min(4, cell / 8)}" fill="${fill}"/>`);
      if (!showCounts) continue;
      const ink = tint > 0.5 ? '#ffffff' : count > 0 ? colors.text : '#b6bcc6';
      const cx = x + cell / 2;
      if (showPercent && count > 0) {
        const percentSize = Math.max(10, Math.round(cellFontSize * 0.6));
        parts.push(textElement(escapeXml(countText(count)), { x: cx, y: y + cell / 2 - 2, size: cellFontSize, weight: 'bold', fill: ink, anchor: 'middle' }));
        parts.push(textElement(escapeXml(formatPercent(share)), { x: cx, y: y + cell / 2 + percentSize + 4, size: percentSize, fill: ink, anchor: 'middle' }));
      } else {
        parts.push(textElement(escapeXml(countText(count)), { x: cx, y: y + cell / 2 + cellFontSize * 0.36, size: cellFontSize, weight: count > 0 ? 'bold' : undefined, fill: ink, anchor: 'middle' }));
      }
    }
  }

  // Row labels (actual class) and column labels (predicted class).
  for (let i = 0; i < n; i++) {
    const center = top + i * cell + cell / 2;
    parts.push(textElement(escapeXml(fitText(names[i], rowLabelWidth, labelSize)), { x: left - 8, y: center + labelSize * 0.36, size: labelSize, anchor: 'end' }));
    const columnCenter = left + i * cell + cell / 2;
    if (slanted) {
      // Narrow columns get upright labels so that neighbours do not overlap.
      const angle = cell < 24 ? -90 : -40;
      const labelX = columnCenter + (angle === -90 ? labelSize * 0.36 : 3);
      parts.push(textElement(escapeXml(fitText(names[i], angle === -90 ? 90 : 116, labelSize)), { x: labelX, y: bottom + 8, size: labelSize, anchor: 'end', rotate: angle }));
    } else {
      parts.push(textElement(escapeXml(names[i]), { x: columnCenter, y: bottom + 18, size: labelSize, anchor: 'middle' }));
    }
  }
  parts.push(
    textElement('Predicted class', { x: (left + right) / 2, y: Math.min(CHART_HEIGHT - 12, bottom + (slanted ? 92 : 42)), size: 13, weight: 'bold', anchor: 'middle' }),
    textElement('Actual class', { x: left - rowLabelWidth - 32, y: (top + bottom) / 2, size: 13, weight: 'bold', anchor: 'middle', rotate: -90 }),
  );

  // Recall per class, beside its row.
  const recallX = right + 12;
  parts.push(textElement('Recall', { x: recallX, y: top - 10, size: 12, fill: colors.muted }));
  const recallSize = Math.min(13, labelSize + 1);
  for (let r = 0; r < n; r++) {
    const recall = rowTotals[r] > 0 ? matrix[r][r] / rowTotals[r] : Number.NaN;
    const center = top + r * cell + cell / 2;
    parts.push(textElement(escapeXml(formatPercent(recall)), { x: recallX, y: center + recallSize * 0.36, size: recallSize, fill: colors.text }));
  }

  // Summary and colour key.
  const panelWidth = CHART_WIDTH - 24 - panelX;
  parts.push(
    textElement('Accuracy', { x: panelX, y: top + 6, size: 12, fill: colors.muted }),
    textElement(escapeXml(total > 0 ? formatPercent(correct / total) : '–'), { x: panelX, y: top + 32, size: 24, weight: 'bold' }),
    textElement(label(`${countText(correct)} of ${countText(total)}`, panelWidth, 12), { x: panelX, y: top + 50, size: 12, fill: colors.muted }),
    textElement('predicted right', { x: panelX, y: top + 65, size: 12, fill: colors.muted }),
  );
  // Colour keys: a gradient over the share of the row, from 0% to 100%.
  const key = (y: number, diagonal: boolean, caption: string, id: string): string => {
    const scale = diagonal ? BLUE_SCALE : ORANGE_SCALE;
    const stops = [0, 0.25, 0.5, 0.75, 1]
      .map((offset) => `<stop offset="${offset}" stop-color="${mix(scale, MIN_TINT + (1 - MIN_TINT) * offset)}"/>`)
      .join('');
    const quarter = panelX + panelWidth * ((tintOf(0.25, diagonal) - MIN_TINT) / (1 - MIN_TINT));
    return (
      `<defs><linearGradient id="${id}">${stops}</linearGradient></defs>` +
      textElement(escapeXml(caption), { x: panelX, y, size: 12, fill: colors.text }) +
      `<rect x="${px(panelX)}" y="${px(y + 6)}" width="${px(panelWidth)}" height="10" rx="2" fill="url(#${id})"/>` +
      textElement('0%', { x: panelX, y: y + 30, size: 11, fill: colors.muted }) +
      // The square-root scale is not obvious from the bar alone: mark where 25% falls.
      (diagonal
        ? ''
        : `<line x1="${px(quarter)}" y1="${px(y + 16)}" x2="${px(quarter)}" y2="${px(y + 20)}" stroke="${colors.muted}"/>` +
          textElement('25%', { x: quarter, y: y + 30, size: 11, fill: colors.muted, anchor: 'middle' })) +
      textElement('100%', { x: panelX + panelWidth, y: y + 30, size: 11, fill: colors.muted, anchor: 'end' })
    );
  };
  parts.push(key(top + 100, true, 'Correct, % of row', 'key-correct'), key(top + 150, false, 'Mistaken, % of row', 'key-mistaken'));

  return chartPage(input.title, input.subtitle, parts.join(''));
}
