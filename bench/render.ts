// Milliseconds per picture: building the SVG and rasterising it to PNG, median of several runs after
// a warm-up (the first render also loads the fonts). Run: npm run bench:render [-- runs]
import {
  confusionMatrixSvg,
  forecastSvg,
  leaderboardCardSvg,
  regressionSvg,
  svgToPng,
  type LeaderboardRow,
} from '../src/render/index.ts';
import { median } from './figures.ts';

const runs = Math.max(1, Number(process.argv[2] ?? 9));

function series(count: number, phase: number): number[] {
  return Array.from({ length: count }, (_, i) => 0.45 + 0.3 * Math.sin(i / 40 + phase) + 0.08 * Math.sin(i * 1.37 + phase));
}

const digits = Array.from({ length: 10 }, (_, i) => String(i));
const leaderboardColumns = ['linear-a', 'mnist', 'horse-or-human', 'bbc-news', 'daily-max-temperatures'].map((name, i) => ({ header: String(i + 1), name }));
const leaderboardRows: LeaderboardRow[] = [
  ...Array.from({ length: 10 }, (_, i) => ({ rank: i + 1, name: `Study member number ${i + 1}`, score: 96 - i * 7.1, cells: ['5', '5', '4', String(3 - (i % 3)), '–'] })),
  { rank: 27, name: 'the caller', score: 12, cells: ['5', '2', '–', '–', '–'], highlight: true },
];

const pictures: Record<string, () => string> = {
  'confusion matrix 10x10': () =>
    confusionMatrixSvg({ title: 'MNIST digits', subtitle: 'accuracy 97%', classNames: digits, matrix: digits.map((_, r) => digits.map((_, c) => (r === c ? 970 : (r * 7 + c) % 6))) }),
  'confusion matrix 2x2': () => confusionMatrixSvg({ title: 'Horse or human', classNames: ['horses', 'humans'], matrix: [[120, 8], [3, 125]] }),
  'forecast 235 points': () => forecastSvg({ title: 'Sunspots', actual: series(235, 0), forecast: series(235, 0.1), startIndex: 3000 }),
  'forecast 1150 points': () => forecastSvg({ title: 'Daily temperatures', actual: series(1150, 0), forecast: series(1150, 0.1), startIndex: 2500 }),
  'forecast 5000 points (downsampled)': () => forecastSvg({ title: 'Long series', actual: series(5000, 0), forecast: series(5000, 0.1) }),
  'regression 15 points': () =>
    regressionSvg({ title: 'y = 2x - 1', points: Array.from({ length: 15 }, (_, i) => ({ x: i - 1, expected: 2 * i - 3, predicted: 2 * i - 3 + Math.sin(i) })) }),
  'leaderboard 10 + caller': () =>
    leaderboardCardSvg({ title: 'Weekly mock exam · 2025-W47', subtitle: '38 members', rows: leaderboardRows, maxScore: 100, columns: leaderboardColumns, footer: 'best submission per problem counts' }),
};

console.log(`render: median of ${runs} runs after one warm-up (Node ${process.version})`);
console.log('picture'.padEnd(38) + 'svg ms'.padStart(9) + 'png ms'.padStart(9) + 'total ms'.padStart(10) + 'png KB'.padStart(9));
for (const [name, build] of Object.entries(pictures)) {
  await svgToPng(build());
  const svgTimes: number[] = [];
  const pngTimes: number[] = [];
  let bytes = 0;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    const svg = build();
    const built = performance.now();
    const png = await svgToPng(svg);
    const done = performance.now();
    svgTimes.push(built - start);
    pngTimes.push(done - built);
    bytes = png.length;
  }
  const svgMs = median(svgTimes);
  const pngMs = median(pngTimes);
  console.log(
    name.padEnd(38) + svgMs.toFixed(2).padStart(9) + pngMs.toFixed(2).padStart(9) + (svgMs + pngMs).toFixed(2).padStart(10) + (bytes / 1024).toFixed(1).padStart(9),
  );
}
