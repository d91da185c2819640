// /mockexam and /leaderboard messages.
import { asText } from './member-text.ts';
import { AttachmentBuilder, EmbedBuilder } from 'discord.js';
import { categoryName } from '../../grading/categories.ts';
import type { ProblemDefinition } from '../../grading/problem-types.ts';
import type { AllTimeRow, BoardView, StandingRow } from '../../mockexam/mock-exam-service.ts';
import { renderLeaderboardCard } from '../../render/index.ts';

const unix = (date: Date) => Math.floor(date.getTime() / 1000);

export function statusEmbed(input: {
  week: string;
  end: Date;
  problems: ProblemDefinition[];
  mine?: StandingRow;
  members: number;
  timed?: { startedAt: Date; endsAt: Date; row?: StandingRow };
  now: Date;
}): EmbedBuilder {
  const lines = input.problems.map((p) => {
    const points = input.mine?.pointsByProblem[p.id];
    return `${p.category}. ${categoryName(p.category)}: \`${p.id}\` ${points === undefined ? '—' : `${points}/5`} (weight ${p.weight})`;
  });
  const embed = new EmbedBuilder()
    .setTitle(`Mock exam ${input.week}`)
    .setColor(0xff6f00)
    .setDescription(lines.join('\n'))
    .addFields(
      { name: 'Your score', value: input.mine ? `${input.mine.score.toFixed(1)} / 100` : 'No graded model yet', inline: true },
      { name: 'Rank', value: input.mine ? `${input.mine.rank} of ${input.members}` : `— (${input.members} on the board)`, inline: true },
      { name: 'Week ends', value: `<t:${unix(input.end)}:R>`, inline: true },
    );
  if (input.timed) {
    const running = input.now < input.timed.endsAt;
    embed.addFields({
      name: 'Timed attempt',
      value: running
        ? `Running: ends <t:${unix(input.timed.endsAt)}:R>. ${input.timed.row ? `Timed score ${input.timed.row.score.toFixed(1)}.` : ''}`
        : `Finished. Timed score: ${input.timed.row ? input.timed.row.score.toFixed(1) : '0.0'} / 100.`,
    });
  } else {
    embed.addFields({ name: 'Timed attempt', value: 'Not started. `/mockexam start` opens your 5-hour window (once a week).' });
  }
  return embed.setFooter({ text: 'Best attempt per problem counts · score = Σ points × weight / 75 × 100' });
}

type CardRow = { rank: number; name: string; score: number; detail?: string; highlight?: boolean };

function boardText(rows: CardRow[], caller?: CardRow): string {
  if (rows.length === 0) return 'Nobody is on this board yet. Grade a model with /grade to get on it.';
  const lines = rows.map((r) => `${r.highlight ? '**' : ''}${String(r.rank).padStart(2)}. ${asText(r.name, 100)} — ${r.score.toFixed(1)}${r.highlight ? '**' : ''}`);
  if (caller && !rows.some((r) => r.highlight)) lines.push('…', `**${caller.rank}. ${asText(caller.name, 100)} — ${caller.score.toFixed(1)}** (you)`);
  return lines.join('\n');
}


export function leaderboardMessage(title: string, subtitle: string, rows: CardRow[], caller: CardRow | undefined): {
  embeds: EmbedBuilder[];
  files: AttachmentBuilder[];
} {
  const embed = new EmbedBuilder().setTitle(title.slice(0, 256)).setColor(0xff6f00).setDescription(boardText(rows, caller).slice(0, 4000)).setFooter({ text: subtitle.slice(0, 2048) });
  const cardRows = caller && !rows.some((r) => r.highlight) ? [...rows, { ...caller, highlight: true }] : rows;
  try {
    const png = renderLeaderboardCard({ title, subtitle, rows: cardRows });
    embed.setImage('attachment://leaderboard.png');
    return { embeds: [embed], files: [new AttachmentBuilder(png, { name: 'leaderboard.png' })] };
  } catch {
    // The text in the embed is the fallback when the picture cannot be drawn.
    return { embeds: [embed], files: [] };
  }
}

export function weekBoardRows(view: BoardView, callerId: string): { rows: CardRow[]; caller?: CardRow } {
  const toRow = (r: StandingRow): CardRow => ({
    rank: r.rank,
    name: r.userName,
    score: r.score,
    detail: Object.entries(r.pointsByProblem).map(([id, p]) => `${id} ${p}`).join(' · '),
    highlight: r.userId === callerId,
  });
  return { rows: view.top.map(toRow), caller: view.caller ? toRow(view.caller) : undefined };
}

export function allTimeRows(top: AllTimeRow[], caller: AllTimeRow | undefined, callerId: string): { rows: CardRow[]; caller?: CardRow } {
  const toRow = (r: AllTimeRow): CardRow => ({
    rank: r.rank,
    name: r.userName,
    score: r.score,
    detail: `${r.weeks} week${r.weeks === 1 ? '' : 's'}`,
    highlight: r.userId === callerId,
  });
  return { rows: top.map(toRow), caller: caller ? toRow(caller) : undefined };
}
