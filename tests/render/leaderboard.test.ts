import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import {
  CARD_WIDTH,
  formatScore,
  leaderboardCardLayout,
  leaderboardCardSize,
  leaderboardCardSvg,
  renderLeaderboardCard,
  type LeaderboardCardInput,
  type LeaderboardColumn,
  type LeaderboardRow,
} from '../../src/render/index.ts';
import { measureText } from '../../src/render/fonts.ts';
import { PROBLEM_CATEGORIES } from '../../src/grading/categories.ts';
import { problemCatalog } from '../../problems/index.ts';
import { expectPicture, isBlue } from './png-checks.ts';

/** The longest real problem id of each category: the widest week a card can have to name. */
const longestColumns: LeaderboardColumn[] = PROBLEM_CATEGORIES.map((category) => {
  const ids = problemCatalog.filter((p) => p.category === category).map((p) => p.id);
  return { header: String(category), name: ids.reduce((a, b) => (b.length > a.length ? b : a)) };
});

/** Discord display names have at most 32 characters; this one is wide for its length. */
const LONG_NAME = 'Maximilian Wolfgang Ostermann-Hö';

function topTen(): LeaderboardRow[] {
  return Array.from({ length: 10 }, (_, i) => ({ rank: i + 1, name: `member ${i + 1}`, score: 95 - i * 6.5, cells: ['5', '4', String(i % 6), '–', '2'] }));
}

const weekCard = (rows: LeaderboardRow[], extra: Partial<LeaderboardCardInput> = {}): LeaderboardCardInput => ({
  title: 'Mock exam 2026-W48 · TF study group',
  subtitle: '38 members · live, best attempt per problem so far',
  rows,
  maxScore: 100,
  columns: longestColumns,
  footer: 'Points (0–5) per problem; category n weighs n.',
  ...extra,
});

describe('leaderboard card', () => {
  it('draws the top ten and the caller set apart below, at the size it announces', async () => {
    const rows = [...topTen(), { rank: 27, name: 'the caller', score: 12, cells: ['1', '–', '–', '–', '–'], highlight: true }];
    const input = weekCard(rows);
    const size = leaderboardCardSize(input);
    expect(size.width).toBe(CARD_WIDTH);
    const svg = leaderboardCardSvg(input);
    expect(svg).toContain(`height="${size.height}"`);
    expect(svg).toContain('stroke-dasharray'); // the gap before the caller's row
    expect(svg).toContain('>27<');
    expect(svg).toContain('>the caller<');
    expect(svg).toContain('>88.5<');
    const picture = expectPicture(await renderLeaderboardCard(input), size.width, size.height);
    // The caller's row is tinted and has a blue bar.
    expect(picture.count(isBlue)).toBeGreaterThan(100);
    // Shorter boards make shorter cards; ten rows plus the caller make the tallest.
    expect(leaderboardCardSize({ ...input, rows: rows.slice(0, 3) }).height).toBeLessThan(size.height);
  });

  it('names every problem of the week in full, with the longest real problem ids', async () => {
    const layout = leaderboardCardLayout(weekCard(topTen()));
    const notes = layout.notes.map((n) => n.text);
    const legend = notes.join(' · ');
    for (const column of longestColumns) expect(legend).toContain(`${column.header} ${column.name}`);
    expect(longestColumns.map((c) => c.name)).toContain('daily-min-temperatures');
    for (const note of layout.notes) {
      expect(note.text).not.toContain('…');
      expect(note.x + measureText(note.text, note.size, note.weight)).toBeLessThanOrEqual(CARD_WIDTH - 24);
    }
    // One header per column, over that column's cells.
    expect(layout.headers.map((h) => h.text)).toEqual(['1', '2', '3', '4', '5']);
    for (const row of layout.rows) expect(row.cells.map((c) => c.x)).toEqual(layout.headers.map((h) => h.x));
    expect(layout.rows[3].cells.map((c) => c.text)).toEqual(['5', '4', '3', '–', '2']);
    // The footer comes after the legend, also whole.
    expect(notes.at(-1)).toBe('Points (0–5) per problem; category n weighs n.');
    // Every text of a row stays inside the card and clear of the next column.
    const row = layout.rows[0];
    expect(row.name.x + measureText(row.name.text, row.name.size, 'bold')).toBeLessThan(row.cells[0].x - 17);
    expect(row.cells.at(-1)!.x + 17).toBeLessThanOrEqual(row.bar.x);
    expect(row.bar.x + row.bar.width).toBeLessThan(row.score.x - measureText('100.0', 17, 'bold'));
  });

  it('wraps a legend too long for one line between problems, never inside one', async () => {
    const columns = [...longestColumns, { header: '6', name: 'a-problem-with-a-remarkably-long-identifier' }];
    const layout = leaderboardCardLayout(weekCard(topTen().map((r) => ({ ...r, cells: [...r.cells!, '1'] })), { columns }));
    const legendLines = layout.notes.slice(0, -1).map((n) => n.text);
    expect(legendLines.length).toBeGreaterThan(1);
    expect(legendLines.join(' · ').split(' · ')).toEqual(columns.map((c) => `${c.header} ${c.name}`));
    expect(leaderboardCardSize(weekCard(topTen(), { columns })).height).toBeGreaterThan(leaderboardCardSize(weekCard(topTen())).height);
  });

  it('draws a long member name in full, and cuts only what cannot fit with an ellipsis', async () => {
    const long = 'AVeryLongNameThatGoesOnAndOnWithoutEnd'.repeat(3);
    const layout = leaderboardCardLayout(
      weekCard([
        { rank: 1, name: LONG_NAME, score: 50, cells: [] },
        { rank: 2, name: 'WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW', score: 40, cells: [] },
        { rank: 3, name: long, score: 30, cells: [] },
      ]),
    );
    const [full, wide, cut] = layout.rows;
    expect(full.name.text).toBe(LONG_NAME);
    expect(wide.name.text.endsWith('…')).toBe(true); // 32 capital Ws are wider than any name column
    for (const row of layout.rows) {
      expect(row.name.x + measureText(row.name.text, row.name.size, 'bold')).toBeLessThan(row.cells[0].x - 17);
    }
    expect(cut.name.text.endsWith('…')).toBe(true);
    expect(cut.name.text.length).toBeLessThan(long.length);
  });

  it('shows every score with one decimal', async () => {
    const layout = leaderboardCardLayout(
      weekCard([
        { rank: 1, name: 'a', score: 100, cells: [] },
        { rank: 2, name: 'b', score: 80 / 3, cells: [] },
        { rank: 3, name: 'c', score: 20, cells: [] },
        { rank: 4, name: 'd', score: 0, cells: [] },
      ]),
    );
    expect(layout.rows.map((r) => r.score.text)).toEqual(['100.0', '26.7', '20.0', '0.0']);
    expect(formatScore(72.25)).toBe('72.3');
    expect(formatScore(Number.NaN)).toBe('–');
  });

  it('shows whole points on a board of points (the quiz boards)', async () => {
    const layout = leaderboardCardLayout(weekCard([{ rank: 1, name: 'a', score: 1234, cells: [] }, { rank: 2, name: 'b', score: 0, cells: [] }], { scoreDecimals: 0 }));
    expect(layout.rows.map((r) => r.score.text)).toEqual(['1234', '0']);
  });

  it('fills each bar by score out of the best possible score, not out of the leader\'s', async () => {
    const layout = leaderboardCardLayout(
      weekCard([
        { rank: 1, name: 'leader', score: 80 / 3, cells: [] },
        { rank: 2, name: 'second', score: 20, cells: [] },
        { rank: 3, name: 'nobody yet', score: 0, cells: [] },
      ]),
    );
    const shares = layout.rows.map((r) => r.bar.filled / r.bar.width);
    expect(shares[0]).toBeCloseTo(0.2667, 3);
    expect(shares[1]).toBeCloseTo(0.2, 6);
    expect(shares[2]).toBe(0);
    // The all-time board's scale is its own best possible total.
    const allTime = leaderboardCardLayout({ title: 'All-time', rows: [{ rank: 1, name: 'a', score: 150, detail: '2 weeks' }], maxScore: 300 });
    expect(allTime.rows[0].bar.filled / allTime.rows[0].bar.width).toBeCloseTo(0.5, 6);
    expect(allTime.rows[0].detail?.text).toBe('2 weeks');
    expect(allTime.headers).toEqual([]);
  });

  it('marks the caller inside the top ten without a gap', async () => {
    const rows = topTen();
    rows[4] = { ...rows[4], highlight: true };
    const svg = leaderboardCardSvg(weekCard(rows));
    expect(svg).not.toContain('stroke-dasharray');
    expect(svg).toContain('#e8f0fe');
    expect(leaderboardCardLayout(weekCard(rows)).rows.map((r) => r.background)).toEqual([
      'none', 'stripe', 'none', 'stripe', 'caller', 'stripe', 'none', 'stripe', 'none', 'stripe',
    ]);
  });

  it('escapes member names and keeps the SVG valid', async () => {
    const rows: LeaderboardRow[] = [
      { rank: 1, name: '<script>alert("x")</script> & co', score: 80 },
      { rank: 2, name: `O'Brien "the <b>" & sons`, score: 70, detail: '<i>detail</i> & more' },
    ];
    const input = { title: 'Board <&>', rows, maxScore: 100, footer: 'a & b' };
    const svg = leaderboardCardSvg(input);
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).not.toContain('<i>');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(svg).toContain('O&apos;Brien &quot;the &lt;b&gt;&quot; &amp; sons');
    expect(svg).toContain('Board &lt;&amp;&gt;');
    expect(() => new Resvg(svg)).not.toThrow();
    const { width, height } = leaderboardCardSize(input);
    expectPicture(await renderLeaderboardCard(input), width, height);
  });

  it('leaves out emoji the font cannot draw', async () => {
    const svg = leaderboardCardSvg({
      title: 'Board',
      maxScore: 100,
      rows: [
        { rank: 1, name: '🔥 Flame Wizard 🔥', score: 40 },
        { rank: 2, name: '🔥🔥🔥', score: 30 },
      ],
    });
    expect(svg).toContain('>Flame Wizard<');
    expect(svg).not.toContain('🔥');
    expect(svg).toContain('>?<'); // a name with nothing drawable still gets a placeholder
  });

  it('shares medals between tied ranks', async () => {
    const svg = leaderboardCardSvg({
      title: 'Ties',
      maxScore: 100,
      rows: [
        { rank: 1, name: 'a', score: 90 },
        { rank: 1, name: 'b', score: 90 },
        { rank: 3, name: 'c', score: 72.25 },
      ],
    });
    expect(svg.match(/fill="#d4a017"/g)).toHaveLength(2); // two gold medals
    expect(svg.match(/fill="#b8733a"/g)).toHaveLength(1); // bronze for rank 3
  });

  it('says what the caller asks when there are no rows, without column headers, and refuses more rows than fit', async () => {
    const empty = weekCard([], { emptyText: 'Nobody was graded in 2026-W40.', footer: undefined });
    const layout = leaderboardCardLayout(empty);
    expect(layout.empty?.text).toBe('Nobody was graded in 2026-W40.');
    expect(layout.headers).toEqual([]);
    expect(layout.notes).toEqual([]);
    expect(leaderboardCardLayout({ title: 'Nobody yet', rows: [], maxScore: 100 }).empty?.text).toBe('No scores yet.');
    const { width, height } = leaderboardCardSize(empty);
    expectPicture(await renderLeaderboardCard(empty), width, height);
    const tooMany = [...topTen(), ...topTen()];
    expect(() => leaderboardCardSvg({ title: 'x', rows: tooMany, maxScore: 100 })).toThrow(/at most 11 rows .* got 20/);
  });
});
