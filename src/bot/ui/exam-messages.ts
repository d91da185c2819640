// /mockexam and /leaderboard messages.
import { EmbedBuilder } from 'discord.js';
import { categoryName } from '../../grading/categories.ts';
import type { ProblemDefinition } from '../../grading/problem-types.ts';
import type { AllTimeRow, BoardView, StandingRow } from '../../mockexam/mock-exam-service.ts';
import { formatScore, type LeaderboardCardInput, type LeaderboardRow } from '../../render/index.ts';
import { boardMessage, type BoardMessage } from './board-message.ts';

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

/** /leaderboard of a mock exam board on a server whose mock exams are off: there is no such board to show. */
export function mockExamsOffMessage(): string {
  return 'Mock exams are off on this server, so there is no mock exam leaderboard; the quiz boards (`/leaderboard board:quiz` or `board:quiz-all-time`) are there. A moderator (Manage Server) can turn mock exams on with `/config mock_exam:True`.';
}

/** What a week's board says about itself: live only while it is the current, open week. */
function weekBoardSubtitle(view: BoardView): string {
  if (view.members === 0) return view.live ? 'live · nobody graded yet' : 'final · nobody was graded that week';
  const members = `${view.members} member${view.members === 1 ? '' : 's'}`;
  return `${members} · ${view.live ? 'live, best attempt per problem so far' : 'final standings'}`;
}

/** The week (or timed) board: a column of points per problem of the week, scores out of 100. */
export function weekBoardMessage(view: BoardView, catalog: readonly ProblemDefinition[], guildName: string, callerId: string): Promise<BoardMessage> {
  const problems = view.problemIds
    .map((id) => catalog.find((p) => p.id === id))
    .filter((p): p is ProblemDefinition => p !== undefined)
    .sort((a, b) => a.category - b.category);
  const toRow = (r: StandingRow): LeaderboardRow => ({
    rank: r.rank,
    name: r.userName,
    score: r.score,
    cells: problems.map((p) => (r.pointsByProblem[p.id] === undefined ? '–' : String(r.pointsByProblem[p.id]))),
    highlight: r.userId === callerId,
  });
  const card: Omit<LeaderboardCardInput, 'rows'> = {
    title: `${view.board === 'timed' ? 'Timed mock exam' : 'Mock exam'} ${view.week} · ${guildName}`,
    subtitle: weekBoardSubtitle(view),
    maxScore: 100,
    columns: problems.map((p) => ({ header: String(p.category), name: p.id })),
    emptyText: view.live ? 'No grades yet this week. Grade a model with /grade to get on the board.' : `Nobody was graded in ${view.week}.`,
    ...(view.top.length > 0 ? { footer: 'Points (0–5) per problem; category n weighs n. Score = Σ points × weight / 75 × 100.' } : {}),
  };
  const entry = (r: StandingRow) => ({ row: toRow(r), text: formatScore(r.score) });
  return boardMessage(card, view.top.map(entry), view.caller ? entry(view.caller) : undefined);
}

/** The all-time board: the sum of weekly scores; a full bar is 100 in every week the server had. */
export function allTimeBoardMessage(
  all: { top: AllTimeRow[]; caller?: AllTimeRow; members: number; weeks: number },
  guildName: string,
  callerId: string,
): Promise<BoardMessage> {
  const toRow = (r: AllTimeRow): LeaderboardRow => ({
    rank: r.rank,
    name: r.userName,
    score: r.score,
    detail: `${r.weeks} week${r.weeks === 1 ? '' : 's'}`,
    highlight: r.userId === callerId,
  });
  const card: Omit<LeaderboardCardInput, 'rows'> = {
    title: `All-time leaderboard · ${guildName}`,
    subtitle: `${all.members} member${all.members === 1 ? '' : 's'} · sum of weekly exam scores over ${all.weeks} week${all.weeks === 1 ? '' : 's'}`,
    maxScore: 100 * Math.max(1, all.weeks),
    emptyText: 'Nobody has a score yet. Grade a model with /grade to get on the board.',
    footer: `A full bar is 100 in each of the ${all.weeks} week${all.weeks === 1 ? '' : 's'}.`,
  };
  const entry = (r: AllTimeRow) => ({ row: toRow(r), text: formatScore(r.score) });
  return boardMessage(card, all.top.map(entry), all.caller ? entry(all.caller) : undefined);
}
