// /progress: the readiness report as a card, with every number of the card also in the embed's
// text (the fallback when no picture can be drawn, and what screen readers read).
import { AttachmentBuilder, EmbedBuilder } from 'discord.js';
import {
  ALMOST_MIN_ACCURACY,
  ALMOST_MIN_POINTS,
  ALMOST_MIN_RECALL,
  MIN_ANSWERS,
  READY_MIN_ACCURACY,
  READY_MIN_POINTS,
  READY_MIN_RECALL,
  type AreaReadiness,
  type NextStep,
  type Readiness,
  type Verdict,
} from '../../quiz/readiness-rule.ts';
import { renderReadinessCard, VERDICT_LABELS, wholePercent } from '../../render/index.ts';
import { asText } from './member-text.ts';

const VERDICT_COLORS: Record<Verdict, number> = { ready: 0x15803d, almost: 0xb45309, 'not-yet': 0xb91c1c };

/** How the verdict is decided, in one paragraph: the card's small print and the embed's footer. */
export function readinessRuleText(): string {
  return (
    `Ready: best grade ≥ ${READY_MIN_POINTS}/5 in each category, ≥ ${wholePercent(READY_MIN_ACCURACY)} of at least ${MIN_ANSWERS} quiz answers right, ` +
    `recall ≥ ${wholePercent(READY_MIN_RECALL)}. Almost: ≥ ${ALMOST_MIN_POINTS}/5, ≥ ${wholePercent(ALMOST_MIN_ACCURACY)}, ≥ ${wholePercent(ALMOST_MIN_RECALL)}. ` +
    'Overall: the weakest area.'
  );
}

/** The next step in one sentence; `command` formats a command (code in the embed, plain on the card). */
export function nextStepText(step: NextStep | undefined, command: (text: string) => string = (text) => text): string {
  if (!step) return 'Nothing left to suggest: every area is covered.';
  switch (step.kind) {
    case 'review':
      return `${step.due === 1 ? '1 quiz review is' : `${step.due} quiz reviews are`} due: answer ${step.due === 1 ? 'it' : 'them'} with ${command('/quiz review')}.`;
    case 'grade': {
      const standing = step.best === null ? 'not graded yet' : `best so far ${step.best}/5`;
      return `Grade a model for ${step.problemId} (${step.title}; category ${step.category}, ${standing}) with ${command(`/grade problem:${step.problemId}`)}.`;
    }
    case 'tip': {
      const record = step.answers === 0 ? 'no quiz answers yet' : `${step.correct} of ${step.answers} quiz answers right`;
      return `Read the tip ${step.tipId}, "${step.title}", on ${step.skill} (${record}); ${command(`/tip show topic:${step.topic}`)} shows the tips of ${step.topic}.`;
    }
  }
}

function gradesText(area: AreaReadiness): string {
  if (area.categories.length === 0) return 'no exam task';
  return area.categories.map((c) => `cat. ${c.category} ${c.best === null ? '–' : `${c.best}/5`}`).join(', ');
}

function areaLine(area: AreaReadiness): string {
  const recall = `recall ${wholePercent(area.recall)} (${area.cards === 1 ? '1 card' : `${area.cards} cards`})`;
  const quiz = `quiz ${wholePercent(area.accuracy)} (${area.correct} of ${area.answers} right)`;
  return `**${area.name}**: ${VERDICT_LABELS[area.verdict]}\n${recall} · ${quiz} · best grade ${gradesText(area)}`;
}

export type ProgressMessage = { embeds: EmbedBuilder[]; files: AttachmentBuilder[] };

/** The report of `memberName` in `guildName`: the embed, and the card when it can be drawn. */
export async function progressMessage(readiness: Readiness, memberName: string, guildName: string): Promise<ProgressMessage> {
  const overall = `Overall: **${VERDICT_LABELS[readiness.verdict]}**`;
  const embed = new EmbedBuilder()
    .setTitle(`Exam readiness · ${asText(memberName, 100)}`)
    .setColor(VERDICT_COLORS[readiness.verdict])
    .setDescription([overall, ...readiness.areas.map(areaLine)].join('\n\n').slice(0, 4000))
    .addFields({ name: 'Next step', value: nextStepText(readiness.next, (text) => `\`${text}\``).slice(0, 1024) })
    .setFooter({ text: readinessRuleText() });
  try {
    const png = await renderReadinessCard({
      title: `Exam readiness · ${memberName}`,
      subtitle: guildName,
      areas: readiness.areas,
      verdict: readiness.verdict,
      nextStep: nextStepText(readiness.next),
      footer: readinessRuleText(),
    });
    embed.setImage('attachment://readiness.png');
    return { embeds: [embed], files: [new AttachmentBuilder(png, { name: 'readiness.png' })] };
  } catch {
    // The text in the embed is the fallback when the picture cannot be drawn.
    return { embeds: [embed], files: [] };
  }
}
