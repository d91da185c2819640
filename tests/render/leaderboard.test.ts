import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { CARD_WIDTH, formatScore, leaderboardCardSize, leaderboardCardSvg, renderLeaderboardCard, type LeaderboardRow } from '../../src/render/index.ts';
import { measureText } from '../../src/render/fonts.ts';
import { expectPicture, isBlue } from './png-checks.ts';

function topTen(): LeaderboardRow[] {
  return Array.from({ length: 10 }, (_, i) => ({ rank: i + 1, name: `member ${i + 1}`, score: 95 - i * 6.5, detail: `${5 - (i % 3)} of 5 problems` }));
}

describe('leaderboard card', () => {
  it('draws the top ten and the caller set apart below, at the size it announces', () => {
    const rows = [...topTen(), { rank: 27, name: 'the caller', score: 12, highlight: true }];
    const input = { title: 'Weekly mock exam · 2025-W47', subtitle: '38 members', rows, footer: 'best submission per problem counts' };
    const size = leaderboardCardSize(input);
    expect(size.width).toBe(CARD_WIDTH);
    const svg = leaderboardCardSvg(input);
    expect(svg).toContain(`height="${size.height}"`);
    expect(svg).toContain('stroke-dasharray'); // the gap before the caller's row
    expect(svg).toContain('>27<');
    expect(svg).toContain('>the caller<');
    expect(svg).toContain('>88.5<');
    const picture = expectPicture(renderLeaderboardCard(input), size.width, size.height);
    // The caller's row is tinted and has a blue bar.
    expect(picture.count(isBlue)).toBeGreaterThan(100);
    // Shorter boards make shorter cards; ten rows plus the caller make the tallest.
    expect(leaderboardCardSize({ ...input, rows: rows.slice(0, 3) }).height).toBeLessThan(size.height);
  });

  it('marks the caller inside the top ten without a gap', () => {
    const rows = topTen();
    rows[4] = { ...rows[4], highlight: true };
    const svg = leaderboardCardSvg({ title: 'Board', rows });
    expect(svg).not.toContain('stroke-dasharray');
    expect(svg).toContain('#e8f0fe');
  });

  it('escapes member names and keeps the SVG valid', () => {
    const rows: LeaderboardRow[] = [
      { rank: 1, name: '<script>alert("x")</script> & co', score: 80 },
      { rank: 2, name: `O'Brien "the <b>" & sons`, score: 70, detail: '<i>detail</i> & more' },
    ];
    const svg = leaderboardCardSvg({ title: 'Board <&>', rows, footer: 'a & b' });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).not.toContain('<i>');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(svg).toContain('O&apos;Brien &quot;the &lt;b&gt;&quot; &amp; sons');
    expect(svg).toContain('Board &lt;&amp;&gt;');
    expect(() => new Resvg(svg)).not.toThrow();
    const { width, height } = leaderboardCardSize({ title: 'Board <&>', rows, footer: 'a & b' });
    expectPicture(renderLeaderboardCard({ title: 'Board <&>', rows, footer: 'a & b' }), width, height);
  });

  it('cuts long names with an ellipsis and leaves out emoji the font cannot draw', () => {
    const long = 'AVeryLongNameThatGoesOnAndOnWithoutEnd'.repeat(3);
    const svg = leaderboardCardSvg({
      title: 'Board',
      rows: [
        { rank: 1, name: long, score: 50 },
        { rank: 2, name: '🔥 Flame Wizard 🔥', score: 40 },
        { rank: 3, name: '🔥🔥🔥', score: 30 },
      ],
    });
    const cut = /<text[^>]*>(AVeryLong[^<]*)<\/text>/.exec(svg)?.[1];
    expect(cut).toBeDefined();
    expect(cut!.endsWith('…')).toBe(true);
    expect(measureText(cut!, 16, 'bold')).toBeLessThan(500);
    expect(svg).toContain('>Flame Wizard<');
    expect(svg).not.toContain('🔥');
    expect(svg).toContain('>?<'); // a name with nothing drawable still gets a placeholder
  });

  it('shares medals between tied ranks and formats scores', () => {
    const svg = leaderboardCardSvg({
      title: 'Ties',
      rows: [
        { rank: 1, name: 'a', score: 90 },
        { rank: 1, name: 'b', score: 90 },
        { rank: 3, name: 'c', score: 72.25 },
      ],
    });
    expect(svg.match(/fill="#d4a017"/g)).toHaveLength(2); // two gold medals
    expect(svg.match(/fill="#b8733a"/g)).toHaveLength(1); // bronze for rank 3
    expect(formatScore(90)).toBe('90');
    expect(formatScore(72.25)).toBe('72.3');
    expect(formatScore(Number.NaN)).toBe('–');
  });

  it('says so when there are no rows, and refuses more rows than fit', () => {
    const empty = { title: 'Nobody yet', rows: [] };
    expect(leaderboardCardSvg(empty)).toContain('No scores yet.');
    const { width, height } = leaderboardCardSize(empty);
    expectPicture(renderLeaderboardCard(empty), width, height);
    const tooMany = [...topTen(), ...topTen()];
    expect(() => leaderboardCardSvg({ title: 'x', rows: tooMany })).toThrow(/at most 11 rows .* got 20/);
  });
});
