import { describe, expect, it } from 'vitest';
import { measureText } from '../../src/render/fonts.ts';
import {
  READINESS_CARD_WIDTH,
  readinessCardLayout,
  readinessCardSvg,
  renderReadinessCard,
  wholePercent,
  type ReadinessCardInput,
} from '../../src/render/index.ts';
import type { AreaReadiness } from '../../src/quiz/readiness-rule.ts';
import { loadKnowledgeBase } from '../../src/tips/knowledge-base.ts';
import { expectPicture, isBlue, isOrange } from './png-checks.ts';

const isGreen = (r: number, g: number, b: number): boolean => g > 100 && g - r > 50 && g - b > 30;
const isRed = (r: number, g: number, b: number): boolean => r > 150 && r - g > 100 && r - b > 100;

const areas: AreaReadiness[] = [
  { topic: 'fundamentals', name: 'TensorFlow fundamentals', recall: 0.91, cards: 14, answers: 20, correct: 18, accuracy: 0.9, categories: [{ category: 1, best: 5 }], verdict: 'ready' },
  {
    topic: 'image-classification',
    name: 'Image classification',
    recall: 0.7,
    cards: 6,
    answers: 12,
    correct: 8,
    accuracy: 8 / 12,
    categories: [
      { category: 2, best: 4 },
      { category: 3, best: 3 },
    ],
    verdict: 'almost',
  },
  { topic: 'nlp', name: 'Natural language processing', recall: 0.004, cards: 1, answers: 3, correct: 0, accuracy: 0, categories: [{ category: 4, best: 0 }], verdict: 'not-yet' },
  { topic: 'time-series', name: 'Time series, sequences and predictions', recall: null, cards: 0, answers: 0, correct: 0, accuracy: null, categories: [{ category: 5, best: null }], verdict: 'not-yet' },
  { topic: 'exam-strategy', name: 'Exam strategy', recall: 1, cards: 1, answers: 1, correct: 1, accuracy: 1, categories: [], verdict: 'not-yet' },
];

const card = (extra: Partial<ReadinessCardInput> = {}): ReadinessCardInput => ({
  title: 'Exam readiness · student',
  subtitle: 'TF study group',
  areas,
  verdict: 'not-yet',
  nextStep: 'Answer your 3 due reviews with /quiz review.',
  footer: 'Ready: best grade ≥ 4/5 in each category, ≥ 80% of at least 10 quiz answers right, recall ≥ 80%. Almost: ≥ 3/5, ≥ 60%, ≥ 60%. Overall: the weakest area.',
  ...extra,
});

describe('readiness card', () => {
  it('draws a row per area with both bars, the grades and the verdict, at the height its layout says', async () => {
    const input = card();
    const layout = readinessCardLayout(input);
    expect(layout.width).toBe(READINESS_CARD_WIDTH);
    expect(layout.rows).toHaveLength(5);
    const picture = expectPicture(await renderReadinessCard(input), layout.width, layout.height);
    expect(picture.count(isBlue)).toBeGreaterThan(200); // recall bars
    expect(picture.count(isOrange)).toBeGreaterThan(200); // accuracy bars
    expect(picture.count(isGreen)).toBeGreaterThan(200); // the ready pill
    expect(picture.count(isRed)).toBeGreaterThan(200); // the not-yet pills

    const [fundamentals, images, nlp, series, strategy] = layout.rows;
    expect(fundamentals.recall.value.text).toBe('91%');
    expect(fundamentals.recall.detail.text).toBe('14 cards');
    expect(fundamentals.quiz.value.text).toBe('90%');
    expect(fundamentals.quiz.detail.text).toBe('18 of 20 answers right');
    expect(fundamentals.verdict.label.text).toBe('Ready');
    expect(images.grades.map((g) => [g.points.text, g.category.text])).toEqual([
      ['4/5', 'cat. 2'],
      ['3/5', 'cat. 3'],
    ]);
    expect(images.quiz.value.text).toBe('67%');
    expect(images.verdict.label.text).toBe('Almost');
    // A recall under half a percent shows as 0%, and its bar as an empty track.
    expect(nlp.recall.value.text).toBe('0%');
    expect(nlp.recall.bar.filled).toBeCloseTo(0.4);
    expect(nlp.quiz.detail.text).toBe('0 of 3 answers right');
    expect(series.recall.value.text).toBe('–');
    expect(series.recall.detail.text).toBe('no cards yet');
    expect(series.quiz.detail.text).toBe('no answers yet');
    expect(series.grades[0].points.text).toBe('–');
    expect(strategy.grades).toEqual([]);
    expect(strategy.noGrades?.text).toBe('no exam task');
    expect(strategy.quiz.detail.text).toBe('1 of 1 answer right');
    expect(layout.overall.text).toBe('Overall: Not yet');
    expect(layout.nextStep.map((l) => l.text).join(' ')).toBe('Next step: Answer your 3 due reviews with /quiz review.');
  });

  it('keeps every text inside its column, wrapping the longest topic names on two lines', async () => {
    const knowledge = await loadKnowledgeBase();
    const real = areas.map((a) => ({ ...a, name: knowledge.topics.find((t) => t.id === a.topic)!.name }));
    const layout = readinessCardLayout(card({ areas: real, nextStep: `Read the tip ${'very-long-tip-id-'.repeat(6)}end: ${'a long title '.repeat(12)}` }));
    for (const row of layout.rows) {
      expect(row.name.length).toBeLessThanOrEqual(2);
      for (const line of row.name) expect(line.x + measureText(line.text, line.size, 'bold')).toBeLessThanOrEqual(row.recall.bar.x - 8);
      expect(row.recall.value.x + measureText('100%', 13, 'bold')).toBeLessThan(row.quiz.bar.x);
      expect(row.quiz.detail.x + measureText(row.quiz.detail.text, 11)).toBeLessThan(row.verdict.box.x);
      expect(row.name.map((l) => l.text).join(' ')).not.toContain('…');
    }
    expect(layout.rows[3].name.map((l) => l.text).join(' ')).toBe('Time series, sequences and predictions');
    expect(layout.nextStep.length).toBeGreaterThan(1);
    for (const line of [...layout.nextStep, ...layout.notes]) expect(line.x + measureText(line.text, line.size, line.weight)).toBeLessThanOrEqual(READINESS_CARD_WIDTH - 24);
    expect(layout.notes.map((n) => n.text).join(' ')).toBe(card().footer);
  });

  it('draws member text as text: escaped, and without what the font cannot draw', async () => {
    const svg = readinessCardSvg(card({ title: 'Exam readiness · <b>&"ω"</b> 🚀' }));
    expect(svg).toContain('&lt;b&gt;&amp;&quot;ω&quot;&lt;/b&gt;');
    expect(svg).not.toContain('🚀');
    await expect(renderReadinessCard(card({ title: 'x'.repeat(500) }))).resolves.toBeInstanceOf(Buffer);
  });

  it('shows shares as whole percentages, and none as a dash', async () => {
    expect([0, 0.004, 0.005, 0.666, 0.8, 1, null, Number.NaN].map(wholePercent)).toEqual(['0%', '0%', '1%', '67%', '80%', '100%', '–', '–']);
  });
});
