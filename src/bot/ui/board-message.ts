// A leaderboard message, whatever the board: the card as a picture in an embed, and the same board
// as text in the embed's description, the fallback when no picture can be drawn.
import { AttachmentBuilder, EmbedBuilder } from 'discord.js';
import { renderLeaderboardCard, type LeaderboardCardInput, type LeaderboardRow } from '../../render/index.ts';
import { asText } from './member-text.ts';

export type BoardMessage = { embeds: EmbedBuilder[]; files: AttachmentBuilder[] };

/** One member on a board: their row on the card, and what their line of text says after the name. */
export type BoardEntry = { row: LeaderboardRow; text: string };

/** `caller` is the caller's own entry; shown below the top ones when it is not among them. */
export async function boardMessage(card: Omit<LeaderboardCardInput, 'rows'>, top: BoardEntry[], caller: BoardEntry | undefined): Promise<BoardMessage> {
  const rows = top.map((e) => e.row);
  const callerApart = caller && !rows.some((r) => r.highlight) ? caller : undefined;
  const cardRows = callerApart ? [...rows, { ...callerApart.row, highlight: true }] : rows;
  const lines = top.map(({ row: r, text }) => `${r.highlight ? '**' : ''}${String(r.rank).padStart(2)}. ${asText(r.name, 100)} — ${text}${r.highlight ? '**' : ''}`);
  if (callerApart) lines.push('…', `**${callerApart.row.rank}. ${asText(callerApart.row.name, 100)} — ${callerApart.text}** (you)`);
  const embed = new EmbedBuilder()
    .setTitle(card.title.slice(0, 256))
    .setColor(0xff6f00)
    .setDescription((lines.join('\n') || card.emptyText || 'Nobody is on this board.').slice(0, 4000))
    .setFooter({ text: (card.subtitle || card.title).slice(0, 2048) });
  try {
    const png = await renderLeaderboardCard({ ...card, rows: cardRows });
    embed.setImage('attachment://leaderboard.png');
    return { embeds: [embed], files: [new AttachmentBuilder(png, { name: 'leaderboard.png' })] };
  } catch {
    // The text in the embed is the fallback when the picture cannot be drawn.
    return { embeds: [embed], files: [] };
  }
}
