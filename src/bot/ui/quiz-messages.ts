// The quiz boards (/leaderboard board:quiz and quiz-all-time) and a member's quiz stats.
import { EmbedBuilder } from 'discord.js';
import type { LeaderboardCardInput, LeaderboardRow } from '../../render/index.ts';
import type { MemberQuizStats, QuizAllTimeBoard, QuizAllTimeRow, QuizStandingRow, QuizWeekBoard } from '../../quiz/quiz-standings.ts';
import { boardMessage, type BoardEntry, type BoardMessage } from './board-message.ts';
import { asText } from './member-text.ts';

const POINTS_RULE = 'A right answer scores 1 (easy), 2 (medium) or 3 (hard) points.';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
const percent = (fraction: number) => String(Math.round(fraction * 100));
/** Counts as they fit a card's narrow cell: 999, then 1k, 12k. The text gives them in full. */
const cellCount = (count: number) => (count < 1000 ? String(count) : `${Math.floor(count / 1000)}k`);

function entryOf(row: QuizStandingRow | QuizAllTimeRow, callerId: string): BoardEntry {
  const weeks = 'weeks' in row ? row.weeks : undefined;
  const cardRow: LeaderboardRow = {
    rank: row.rank,
    name: row.userName,
    score: row.points,
    cells: [...(weeks === undefined ? [] : [String(weeks)]), cellCount(row.answers), percent(row.accuracy)],
    highlight: row.userId === callerId,
  };
  const text = `${plural(row.points, 'point')} · ${plural(row.answers, 'answer')}, ${percent(row.accuracy)}% right${weeks === undefined ? '' : ` · ${plural(weeks, 'week')}`}`;
  return { row: cardRow, text };
}

function weekSubtitle(board: QuizWeekBoard): string {
  if (board.members === 0) return board.live ? 'live · nobody answered yet' : 'final · nobody answered that week';
  return `${plural(board.members, 'member')} · ${board.live ? 'live, points so far' : 'final standings'}`;
}

/** A quiz board: points per member (the bar is the leader's), with answers and the share answered right. */
export function quizBoardMessage(board: QuizWeekBoard | QuizAllTimeBoard, guildName: string, callerId: string): Promise<BoardMessage> {
  const leader = board.top[0]?.points ?? 0;
  const answerColumns = [
    { header: 'Ans', name: 'answers' },
    { header: '%', name: 'answered right' },
  ];
  const card: Pick<LeaderboardCardInput, 'title' | 'subtitle' | 'columns' | 'emptyText'> =
    board.scope === 'week'
      ? {
          title: `Quiz ${board.week} · ${guildName}`,
          subtitle: weekSubtitle(board),
          columns: answerColumns,
          emptyText: board.live ? 'No answers yet this week. Answer a /quiz question to get on the board.' : `Nobody answered a quiz question in ${board.week}.`,
        }
      : {
          title: `All-time quiz board · ${guildName}`,
          subtitle: `${plural(board.members, 'member')} · quiz points over ${plural(board.weeks, 'week')}`,
          columns: [{ header: 'Wk', name: 'weeks with an answer' }, ...answerColumns],
          emptyText: 'Nobody has answered a quiz question yet. Answer a /quiz question to get on the board.',
        };
  return boardMessage(
    { ...card, maxScore: Math.max(1, leader), scoreDecimals: 0, ...(board.top.length > 0 ? { footer: `${POINTS_RULE} A full bar is the leader's points.` } : {}) },
    board.top.map((row) => entryOf(row, callerId)),
    board.caller ? entryOf(board.caller, callerId) : undefined,
  );
}

/** /quiz stats: a member's points, streak, cards due and accuracy per topic. */
export function quizStatsEmbed(stats: MemberQuizStats, memberName: string): EmbedBuilder {
  const topics = stats.topics.map((t) =>
    t.answered === 0 ? `**${t.topic}**: —` : `**${t.topic}**: ${t.correct}/${t.answered} right (${percent(t.correct / t.answered)}%)`,
  );
  return new EmbedBuilder()
    .setTitle(`Quiz stats · ${asText(memberName, 100)}`)
    .setColor(0xff6f00)
    .setDescription(topics.join('\n'))
    .addFields(
      { name: 'Points', value: `${stats.points.week} this week · ${stats.points.allTime} all time`, inline: true },
      {
        name: 'Streak',
        value: `${plural(stats.streak.current, 'day')} · best ${plural(stats.streak.best, 'day')}`,
        inline: true,
      },
      {
        name: 'Answered',
        value: stats.answered === 0 ? 'No answers yet' : `${stats.answered} · ${percent(stats.correct / stats.answered)}% right`,
        inline: true,
      },
      { name: 'Due for review', value: stats.due === 0 ? 'Nothing due' : plural(stats.due, 'question'), inline: true },
    )
    .setFooter({ text: `Week ${stats.week} · ${POINTS_RULE} A streak counts the days with an answer in the server's timezone.` });
}
