import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getProblem, problemCatalog, requireProblem } from '../../problems/index.ts';
import { datasets } from '../../src/datasets/registry.ts';
import { categoryName, PROBLEM_CATEGORIES } from '../../src/grading/categories.ts';
import { checkCompatibility, formatShape } from '../../src/grading/compatibility.ts';
import { ModelRejectedError } from '../../src/grading/errors.ts';
import { baselineScores } from '../../src/grading/baselines.ts';
import { formatMetric, thresholdTable } from '../../src/grading/scoring.ts';
import { markdownForDiscord } from '../../src/bot/ui/discord-markdown.ts';
import { baselinesOverTheirCap, catalogPointsMarkdown, generatedSection, problemPointsMarkdown, starterPointsComment } from '../../problems/points-docs.ts';

const problemsDir = path.resolve(import.meta.dirname, '..', '..', 'problems');

describe('problem catalog', () => {
  it('holds the nine problems of the spec with their categories, metrics and thresholds', () => {
    const naiveRatios = { kind: 'mae-vs-naive', ratios: [0.95, 1.0, 1.15, 1.3, 1.45] };
    const table = problemCatalog.map((p) => [p.id, p.category, p.weight, p.scoring]);
    expect(table).toEqual([
      ['linear-a', 1, 1, { kind: 'mse-decades', fullMarks: 1e-4 }],
      ['linear-b', 1, 1, { kind: 'mse-decades', fullMarks: 1e-3 }],
      ['linear-c', 1, 1, { kind: 'mse-decades', fullMarks: 1e-4 }],
      ['mnist', 2, 2, { kind: 'accuracy-steps', fullMarks: 0.985, step: 0.005 }],
      ['horse-or-human', 3, 3, { kind: 'accuracy-steps', fullMarks: 0.83, step: 0.03 }],
      ['bbc-news', 4, 4, { kind: 'accuracy-steps', fullMarks: 0.91, step: 0.03 }],
      ['sunspots', 5, 5, naiveRatios],
      ['daily-min-temperatures', 5, 5, naiveRatios],
      ['daily-max-temperatures', 5, 5, naiveRatios],
    ]);
  });

  it('lets no baseline score more than it may: the constant model 0, the naive forecast 4', () => {
    expect(problemCatalog.flatMap(baselinesOverTheirCap)).toEqual([]);
    for (const problem of problemCatalog) {
      const scores = baselineScores(problem, thresholdTable(problem));
      expect(scores.find((baseline) => baseline.id === 'constant')?.points, problem.id).toBe(0);
      if (problem.category === 5) expect(scores.find((baseline) => baseline.id === 'naive')?.points, problem.id).toBe(4);
    }
  });

  it('shows the same table in the top README as the code builds', () => {
    const topReadme = readFileSync(path.join(problemsDir, '..', 'README.md'), 'utf8');
    expect(generatedSection(topReadme, 'points'), 'run npm run problems:generate').toBe(catalogPointsMarkdown(problemCatalog));
  });

  it('covers the five exam categories, each with its name', () => {
    expect(PROBLEM_CATEGORIES.map((category) => `${category}. ${categoryName(category)}`)).toEqual([
      '1. Basic model',
      '2. Computer vision',
      '3. Real-world images',
      '4. Natural language processing',
      '5. Time series',
    ]);
    expect([...new Set(problemCatalog.map((p) => p.category))].sort()).toEqual([...PROBLEM_CATEGORIES]);
  });

  it('finds problems by id and names the known ids otherwise', () => {
    expect(getProblem('mnist')?.title).toMatch(/MNIST/);
    expect(getProblem('nope')).toBeUndefined();
    expect(() => requireProblem('nope')).toThrow(/Unknown problem "nope". Known problems: linear-a, linear-b/);
  });

  it('keeps the table specs: inputs, outputs, splits and windows', () => {
    expect(requireProblem('mnist').input).toMatchObject({ shape: [28, 28, 1], alternativeShapes: [[28, 28]] });
    expect(requireProblem('horse-or-human').output.units).toEqual([1, 2]);
    expect(requireProblem('bbc-news').evaluation).toMatchObject({ trainFraction: 0.8, numWords: 1000, oovToken: '<OOV>', maxlen: 120, padding: 'post', truncating: 'post' });
    expect(requireProblem('bbc-news').output.units).toEqual([5, 6]);
    expect(requireProblem('sunspots').evaluation).toMatchObject({ column: 2, splitTime: 3000, windowSize: 30 });
    expect(requireProblem('daily-min-temperatures').evaluation).toMatchObject({ column: 1, splitTime: 2500, windowSize: 64 });
    expect(requireProblem('daily-max-temperatures').evaluation).toMatchObject({ column: 1, splitTime: 2500, windowSize: 64 });
    expect(requireProblem('linear-c').evaluation).toMatchObject({ slope: 0.5, intercept: 1, extraXs: [-2, 10] });
  });

  for (const problem of problemCatalog) {
    describe(problem.id, () => {
      const readme = readFileSync(path.join(problemsDir, problem.id, 'README.md'), 'utf8');
      const starter = readFileSync(path.join(problemsDir, problem.id, 'starter.py'), 'utf8');

      it('has a README that fits a Discord embed and names the problem', () => {
        expect(readme.length).toBeLessThanOrEqual(4000);
        expect(markdownForDiscord(readme).length).toBeLessThanOrEqual(4096);
        expect(readme.startsWith('## ')).toBe(true);
        expect(readme).toContain(`problem \`${problem.id}\``);
      });

      it('states the points table and the baselines the code builds, in the statement and the starter', () => {
        expect(generatedSection(readme, 'points'), 'run npm run problems:generate').toBe(problemPointsMarkdown(problem));
        expect(generatedSection(starter, 'points'), 'run npm run problems:generate').toBe(starterPointsComment(problem));
        expect(starter).not.toMatch(/full marks/i);
      });

      it('shows in Discord without raw table rows or HTML comments', () => {
        const shown = markdownForDiscord(readme);
        expect(shown).not.toMatch(/^\s*\|/m);
        expect(shown).not.toContain('<!--');
        const five = thresholdTable(problem).rows[0];
        expect(shown).toMatch(new RegExp(`≤|≥`));
        expect(shown).toContain(`${formatMetric(thresholdTable(problem).metric, five.value)}  5`);
      });

      it('has a starter that downloads the canonical data, keeps the fixed code and saves model.h5', () => {
        expect(starter).toContain('model.save("model.h5")');
        expect(starter).toContain('DO NOT CHANGE');
        if (problem.dataset) {
          const dataset = datasets[problem.dataset];
          if (dataset.kind === 'files') {
            expect(starter).toContain(problem.dataset === 'mnist' ? 'https://storage.googleapis.com/cvdf-datasets/mnist/' : dataset.files[0].url);
          } else {
            // An image folder dataset is the evaluation set itself: the starter downloads the
            // training images (the data link) and never the graded ones.
            expect(starter).toContain(problem.dataLink);
            expect(starter).not.toContain(dataset.zip.url);
          }
          expect(readme).toContain(problem.dataLink);
        }
      });
    });
  }
});

describe('checkCompatibility', () => {
  const mnist = requireProblem('mnist');
  const horse = requireProblem('horse-or-human');
  const sunspots = requireProblem('sunspots');
  const bbc = requireProblem('bbc-news');

  it('formats shapes the Keras way', () => {
    expect(formatShape([null, 150, 150, 3])).toBe('(None, 150, 150, 3)');
    expect(formatShape([7])).toBe('(7,)');
  });

  it('feeds (28,28) models the same digits without the channel axis', () => {
    const adaptation = checkCompatibility(mnist, { inputShape: [null, 28, 28], outputShape: [null, 10], inputDtype: 'float32' });
    expect(adaptation.sampleShape).toEqual([28, 28]);
    expect(adaptation.notes[0]).toMatch(/fed as \(None, 28, 28\)/);
    expect(checkCompatibility(mnist, { inputShape: [null, 28, 28, 1], outputShape: [null, 10], inputDtype: 'float32' }).notes).toEqual([]);
  });

  it('keeps a pinned batch size and converts float64 inputs', () => {
    const adaptation = checkCompatibility(mnist, { inputShape: [32, 28, 28, 1], outputShape: [32, 10], inputDtype: 'float64' });
    expect(adaptation.pinnedBatchSize).toBe(32);
    expect(adaptation.feedDtype).toBe('float32');
    expect(adaptation.notes.join(' ')).toMatch(/float64 fed as float32/);
  });

  it('refuses a greyscale model on RGB images with the message of the spec', () => {
    const attempt = () => checkCompatibility(horse, { inputShape: [null, 150, 150, 1], outputShape: [null, 1], inputDtype: 'float32' });
    expect(attempt).toThrow(ModelRejectedError);
    expect(attempt).toThrow('Your model takes (None, 150, 150, 1); this problem feeds (None, 150, 150, 3) RGB images');
    try {
      attempt();
    } catch (error) {
      expect((error as ModelRejectedError).code).toBe('wrong-input-shape');
    }
  });

  it('refuses wrong output units and names what is expected', () => {
    const attempt = () => checkCompatibility(horse, { inputShape: [null, 150, 150, 3], outputShape: [null, 3], inputDtype: 'float32' });
    expect(attempt).toThrow(/Your model outputs \(None, 3\); this problem expects \(None, 1\) or \(None, 2\)/);
    try {
      attempt();
    } catch (error) {
      expect((error as ModelRejectedError).code).toBe('wrong-output-units');
    }
    expect(() => checkCompatibility(bbc, { inputShape: [null, 120], outputShape: [null, 120, 6], inputDtype: 'float32' })).toThrow(/outputs \(None, 120, 6\)/);
  });

  it('accepts any-length windows, flat windows and sequence outputs for time series only', () => {
    const adaptation = checkCompatibility(sunspots, { inputShape: [null, null, 1], outputShape: [null, null, 1], inputDtype: 'float32' });
    expect(adaptation).toMatchObject({ sampleShape: [30, 1], sequenceOutput: true, outputUnits: 1 });
    // A Dense model on the flat window, as the tips build it.
    const flat = checkCompatibility(sunspots, { inputShape: [null, 30], outputShape: [null, 1], inputDtype: 'float32' });
    expect(flat).toMatchObject({ sampleShape: [30], sequenceOutput: false, outputUnits: 1 });
    expect(flat.notes).toContain('fed as (None, 30) instead of (None, 30, 1)');
    expect(() => checkCompatibility(sunspots, { inputShape: [null, 64, 1], outputShape: [null, 1], inputDtype: 'float32' })).toThrow(
      'Your model takes (None, 64, 1); this problem feeds (None, 30, 1) or (None, 30) a window of 30 normalised values',
    );
  });

  it('refuses a string input (a TextVectorization front end) by dtype', () => {
    expect(() => checkCompatibility(bbc, { inputShape: [null, 120], outputShape: [null, 6], inputDtype: 'string' })).toThrow(/dtype string/);
  });
});
