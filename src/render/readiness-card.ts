// The /progress card: a row per skill area with a bar for the mean recall of its quiz cards and one
// for its quiz accuracy, the best grade of each exam category it prepares for, and its verdict;
// below the rows the overall verdict, the next step and how the verdict is decided.
//
// readinessCardLayout() decides every text and shape (what tests look at); readinessCardSvg() only
// draws that layout.
import { gradeLevel, type AreaReadiness, type Verdict } from '../quiz/readiness-rule.ts';
import type { FontWeight } from './fonts.ts';
import { drawCardText, type CardText } from './leaderboard.ts';
import { svgToPng } from './rasterize.ts';
import { colors, contentTop, page, PAD, px, textElement } from './svg.ts';
import { drawableText, escapeXml, fitText, wrapPieces } from './text.ts';

export interface ReadinessCardInput {
  title: string;
  subtitle?: string;
  areas: readonly AreaReadiness[];
  verdict: Verdict;
  /** The next step in one sentence (the same sentence as the text reply). */
  nextStep: string;
  /** How the verdict is decided, in small print. */
  footer?: string;
}

export const READINESS_CARD_WIDTH = 800;
const ROW_HEIGHT = 54;
const HEADER_HEIGHT = 22;
const NAME_SIZE = 13;
const NAME_WIDTH = 206;
const BAR_WIDTH = 100;
const RECALL_X = 250;
const QUIZ_X = 420;
const GRADES_X = 590;
const GRADE_CELL = 40;
const GRADE_GAP = 6;
const VERDICT_WIDTH = 92;
const VERDICT_X = READINESS_CARD_WIDTH - PAD - VERDICT_WIDTH;
const TEXT_WIDTH = READINESS_CARD_WIDTH - 2 * PAD;
const NEXT_SIZE = 14;
const NEXT_LINE_HEIGHT = 20;
const NOTE_SIZE = 11;
const NOTE_LINE_HEIGHT = 15;
const BOTTOM_PAD = 14;

export const VERDICT_LABELS: Record<Verdict, string> = { ready: 'Ready', almost: 'Almost', 'not-yet': 'Not yet' };
const VERDICT_COLORS: Record<Verdict, string> = { ready: '#15803d', almost: '#b45309', 'not-yet': '#b91c1c' };
const GRADE_TINTS: Record<Verdict, string> = { ready: '#dcfce7', almost: '#fef3c7', 'not-yet': '#fee2e2' };

/** A share (0..1) as a whole percentage, as the card and the text reply both show it; "–" for none. */
export function wholePercent(share: number | null): string {
  return share === null || !Number.isFinite(share) ? '–' : `${Math.round(Math.max(0, Math.min(1, share)) * 100)}%`;
}

export interface ReadinessBar {
  x: number;
  y: number;
  width: number;
  /** Pixels filled, share × width. */
  filled: number;
  fill: string;
}

export interface ReadinessBox {
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
}

export interface ReadinessRowLayout {
  top: number;
  name: CardText[];
  recall: { bar: ReadinessBar; value: CardText; detail: CardText };
  quiz: { bar: ReadinessBar; value: CardText; detail: CardText };
  /** One cell per exam category of the area; none for an area without categories. */
  grades: Array<{ box: ReadinessBox; points: CardText; category: CardText }>;
  /** Drawn where the grades go when the area has no exam category. */
  noGrades?: CardText;
  verdict: { box: ReadinessBox; label: CardText };
}

export interface ReadinessCardLayout {
  width: number;
  height: number;
  headers: CardText[];
  rows: ReadinessRowLayout[];
  /** Lines between rows. */
  separators: number[];
  overall: CardText;
  nextStep: CardText[];
  notes: CardText[];
}

function text(content: string, x: number, y: number, size: number, options: Partial<Pick<CardText, 'weight' | 'fill' | 'anchor'>> = {}): CardText {
  return { text: content, x, y, size, weight: options.weight ?? 'regular', fill: options.fill ?? colors.text, anchor: options.anchor ?? 'start' };
}

/** Up to two lines; what does not fit in two is cut with an ellipsis. */
function twoLines(content: string, maxWidth: number, size: number, weight: FontWeight): string[] {
  const lines = wrapPieces(drawableText(content, weight).split(' '), ' ', maxWidth, size, weight);
  if (lines.length <= 2) return lines.length > 0 ? lines : ['?'];
  return [lines[0], fitText(`${lines[1]} ${lines.slice(2).join(' ')}`, maxWidth, size, weight)];
}

function bar(x: number, middle: number, share: number | null, fill: string): ReadinessBar {
  const clamped = share === null || !Number.isFinite(share) ? 0 : Math.max(0, Math.min(1, share));
  return { x, y: middle - 12, width: BAR_WIDTH, filled: BAR_WIDTH * clamped, fill };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function rowLayout(area: AreaReadiness, top: number): ReadinessRowLayout {
  const middle = top + ROW_HEIGHT / 2;
  const nameLines = twoLines(area.name, NAME_WIDTH, NAME_SIZE, 'bold');
  const nameTop = nameLines.length === 1 ? middle + 5 : middle - 3;
  const name = nameLines.map((line, i) => text(line, PAD, nameTop + i * 16, NAME_SIZE, { weight: 'bold' }));
  const valueX = RECALL_X + BAR_WIDTH + 8;
  const quizValueX = QUIZ_X + BAR_WIDTH + 8;
  const detail = (content: string, x: number) => text(fitText(content, GRADES_X - x - 12, 11), x, middle + 14, 11, { fill: colors.muted });
  const grades = area.categories.map((c, i) => {
    const x = GRADES_X + i * (GRADE_CELL + GRADE_GAP);
    const level = c.best === null ? undefined : gradeLevel(c.best);
    return {
      box: { x, y: middle - 22, width: GRADE_CELL, height: 24, fill: level ? GRADE_TINTS[level] : '#f3f4f6' },
      points: text(c.best === null ? '–' : `${c.best}/5`, x + GRADE_CELL / 2, middle - 5, 13, {
        weight: 'bold',
        fill: level ? VERDICT_COLORS[level] : colors.muted,
        anchor: 'middle',
      }),
      category: text(`cat. ${c.category}`, x + GRADE_CELL / 2, middle + 14, 11, { fill: colors.muted, anchor: 'middle' }),
    };
  });
  return {
    top,
    name,
    recall: {
      bar: bar(RECALL_X, middle, area.recall, colors.blue),
      value: text(wholePercent(area.recall), valueX, middle - 3, 13, { weight: 'bold' }),
      detail: detail(area.cards === 0 ? 'no cards yet' : plural(area.cards, 'card', 'cards'), RECALL_X),
    },
    quiz: {
      bar: bar(QUIZ_X, middle, area.accuracy, colors.orange),
      value: text(wholePercent(area.accuracy), quizValueX, middle - 3, 13, { weight: 'bold' }),
      detail: detail(area.answers === 0 ? 'no answers yet' : `${area.correct} of ${plural(area.answers, 'answer', 'answers')} right`, QUIZ_X),
    },
    grades,
    ...(grades.length === 0 ? { noGrades: text('no exam task', GRADES_X, middle + 4, 11, { fill: colors.muted }) } : {}),
    verdict: {
      box: { x: VERDICT_X, y: middle - 13, width: VERDICT_WIDTH, height: 26, fill: VERDICT_COLORS[area.verdict] },
      label: text(VERDICT_LABELS[area.verdict], VERDICT_X + VERDICT_WIDTH / 2, middle + 5, 13, { weight: 'bold', fill: '#ffffff', anchor: 'middle' }),
    },
  };
}

/** Where everything on the card goes. */
export function readinessCardLayout(input: ReadinessCardInput): ReadinessCardLayout {
  const headerTop = contentTop(input.subtitle) + 8;
  const header = (content: string, x: number, anchor: CardText['anchor'] = 'start') =>
    text(content, x, headerTop + 13, 12, { weight: 'bold', fill: colors.muted, anchor });
  const headers = [
    header('Skill area', PAD),
    header('Recall (FSRS)', RECALL_X),
    header('Quiz accuracy', QUIZ_X),
    header('Best grade', GRADES_X),
    header('Verdict', VERDICT_X + VERDICT_WIDTH / 2, 'middle'),
  ];
  let y = headerTop + HEADER_HEIGHT;
  const rows: ReadinessRowLayout[] = [];
  const separators: number[] = [];
  input.areas.forEach((area, index) => {
    if (index > 0) separators.push(y);
    rows.push(rowLayout(area, y));
    y += ROW_HEIGHT;
  });
  y += 28;
  const overall = text(`Overall: ${VERDICT_LABELS[input.verdict]}`, PAD, y, 16, { weight: 'bold', fill: VERDICT_COLORS[input.verdict] });
  y += 8;
  const nextStep = wrapPieces(drawableText(`Next step: ${input.nextStep}`).split(' '), ' ', TEXT_WIDTH, NEXT_SIZE).map((line) => {
    y += NEXT_LINE_HEIGHT;
    return text(line, PAD, y - 5, NEXT_SIZE);
  });
  const footerLines = input.footer ? wrapPieces(drawableText(input.footer).split(' '), ' ', TEXT_WIDTH, NOTE_SIZE) : [];
  y += footerLines.length > 0 ? 6 : 0;
  const notes = footerLines.map((line) => {
    y += NOTE_LINE_HEIGHT;
    return text(line, PAD, y - 4, NOTE_SIZE, { fill: colors.muted });
  });
  return { width: READINESS_CARD_WIDTH, height: Math.ceil(y + BOTTOM_PAD), headers, rows, separators, overall, nextStep, notes };
}

function box(item: ReadinessBox, radius: number): string {
  return `<rect x="${px(item.x)}" y="${px(item.y)}" width="${px(item.width)}" height="${px(item.height)}" rx="${radius}" fill="${item.fill}"/>`;
}

function barSvg(item: ReadinessBar): string {
  const track = `<rect x="${px(item.x)}" y="${px(item.y)}" width="${item.width}" height="8" rx="4" fill="#e5e7eb"/>`;
  // A sliver under 8 px would draw as a dot; the bar keeps its rounded ends.
  return item.filled > 0 ? `${track}<rect x="${px(item.x)}" y="${px(item.y)}" width="${px(Math.max(8, item.filled))}" height="8" rx="4" fill="${item.fill}"/>` : track;
}

function rowSvg(row: ReadinessRowLayout): string {
  const parts = [...row.name.map(drawCardText)];
  for (const measure of [row.recall, row.quiz]) parts.push(barSvg(measure.bar), drawCardText(measure.value), drawCardText(measure.detail));
  for (const grade of row.grades) parts.push(box(grade.box, 5), drawCardText(grade.points), drawCardText(grade.category));
  if (row.noGrades) parts.push(drawCardText(row.noGrades));
  parts.push(box(row.verdict.box, 13), drawCardText(row.verdict.label));
  return parts.join('');
}

export function readinessCardSvg(input: ReadinessCardInput): string {
  const layout = readinessCardLayout(input);
  const parts = [
    ...layout.headers.map(drawCardText),
    ...layout.separators.map((y) => `<path d="M${PAD} ${px(y)}H${READINESS_CARD_WIDTH - PAD}" stroke="${colors.border}"/>`),
    ...layout.rows.map(rowSvg),
    drawCardText(layout.overall),
    ...layout.nextStep.map(drawCardText),
    ...layout.notes.map(drawCardText),
  ];
  return page({ width: layout.width, height: layout.height, title: input.title, subtitle: input.subtitle, body: parts.join('') });
}

/** The card as PNG: 800 wide, as tall as its rows and notes need (readinessCardLayout(input).height). */
export function renderReadinessCard(input: ReadinessCardInput): Promise<Buffer> {
  return svgToPng(readinessCardSvg(input));
}
