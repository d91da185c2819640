// How /problems shows the catalog and a problem's statement.
import { AttachmentBuilder, EmbedBuilder } from 'discord.js';
import { categoryName, PROBLEM_CATEGORIES } from '../../grading/categories.ts';
import type { ProblemDefinition } from '../../grading/problem-types.ts';
import { markdownForDiscord } from './discord-markdown.ts';

/** Autocomplete choices: problems whose id or title contains what was typed. */
export function matchProblems(catalog: readonly ProblemDefinition[], typed: string): Array<{ name: string; value: string }> {
  const needle = typed.trim().toLowerCase();
  return catalog
    .filter((p) => !needle || p.id.includes(needle) || p.title.toLowerCase().includes(needle))
    .slice(0, 25)
    .map((p) => ({ name: `${p.id} (category ${p.category}): ${p.title}`.slice(0, 100), value: p.id }));
}

/**
 * The catalog with the member's best points; with `mockExam` (a server whose mock exams are on), this
 * week's problems are starred.
 */
export function catalogEmbed(
  catalog: readonly ProblemDefinition[],
  mockExam: { week: string; problemIds: string[] } | undefined,
  best: Map<string, number>,
): EmbedBuilder {
  const star = mockExam ? `★ = in this week's mock exam (${mockExam.week}). ` : '';
  const embed = new EmbedBuilder()
    .setTitle('Problems')
    .setColor(0xff6f00)
    .setDescription(`${star}Your best points in brackets. Grade with \`/grade\`; read one with \`/problems show\`.`);
  for (const category of PROBLEM_CATEGORIES) {
    const lines = catalog
      .filter((p) => p.category === category)
      .map((p) => {
        const mine = best.has(p.id) ? ` [${best.get(p.id)}/5]` : '';
        return `${mockExam?.problemIds.includes(p.id) ? '★' : '·'} \`${p.id}\` ${p.title} (weight ${p.weight})${mine}`;
      });
    if (lines.length > 0) embed.addFields({ name: `${category}. ${categoryName(category)}`, value: lines.join('\n').slice(0, 1024) });
  }
  return embed;
}

export function statementMessage(problem: ProblemDefinition, statement: string, starter: Buffer): { embeds: EmbedBuilder[]; files: AttachmentBuilder[] } {
  const embed = new EmbedBuilder()
    .setTitle(problem.title.slice(0, 256))
    .setColor(0xff6f00)
    .setDescription(markdownForDiscord(statement).slice(0, 4096))
    .addFields(
      { name: 'Category', value: `${problem.category}. ${categoryName(problem.category)} (weight ${problem.weight})`, inline: true },
      { name: 'Dataset', value: problem.dataLink.slice(0, 1024), inline: true },
    )
    .setFooter({ text: `Grade it with /grade problem:${problem.id}` });
  return { embeds: [embed], files: [new AttachmentBuilder(starter, { name: `${problem.id}-starter.py` })] };
}
