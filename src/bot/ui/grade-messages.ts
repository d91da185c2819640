// What /grade shows while it works and when it is done. The picture comes from src/render.
import { asText } from './member-text.ts';
import { AttachmentBuilder, EmbedBuilder } from 'discord.js';
import type { GradeProgress, GradeResult } from '../../grading/grader.ts';
import type { ProblemDefinition } from '../../grading/problem-types.ts';
import { baselineLines, thresholdLines, versusBaseline } from '../../grading/result-text.ts';
import { formatMetric, pointMarks } from '../../grading/scoring.ts';
import type { Submission } from '../../submissions/submission-service.ts';
import type { GradeCounting } from '../../mockexam/mock-exam-service.ts';
import type { Refusal } from '../../submissions/grade-intake.ts';
import { renderGradeChart } from '../../render/from-grade-result.ts';

const COLOURS = { working: 0x5865f2, full: 0x2ecc71, partial: 0xf1c40f, low: 0xe67e22, failed: 0xe74c3c };

export type GradeStatusView =
  | { step: 'queued'; position: number }
  | { step: 'downloading' }
  | { step: 'grading'; progress: GradeProgress };

export function progressBar(fraction: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `${'▰'.repeat(filled)}${'▱'.repeat(width - filled)} ${Math.round(fraction * 100)}%`;
}

/** The steps a grade goes through, in order; the reply shows where it stands. */
const STEPS = ['Downloading', 'Queued', 'Importing the model', 'Evaluating'] as const;

/** The index in STEPS of the step a view shows. */
export function stepIndex(view: GradeStatusView): number {
  if (view.step === 'downloading') return 0;
  if (view.step === 'queued') return 1;
  const stage = view.progress.stage;
  if (stage === 'queued') return 1;
  if (stage === 'importing') return 2;
  return 3;
}

export function progressEmbed(problem: ProblemDefinition, fileName: string, view: GradeStatusView): EmbedBuilder {
  const current = stepIndex(view);
  const lines = STEPS.map((label, index) => {
    const mark = index < current ? '✅' : index === current ? '⏳' : '▫️';
    let detail = '';
    if (index === 1 && view.step === 'queued') detail = view.position > 1 ? ` (position ${view.position})` : ' (next)';
    if (index === 3 && view.step === 'grading' && current === 3 && view.progress.fraction !== undefined) {
      detail = `\n${progressBar(view.progress.fraction)}`;
    }
    return `${mark} ${label}${detail}`;
  });
  return new EmbedBuilder()
    .setTitle(`Grading ${problem.title}`.slice(0, 256))
    .setDescription(lines.join('\n'))
    .setColor(COLOURS.working)
    .setFooter({ text: fileName.slice(0, 200) });
}

/** Why /grade did not queue an upload, for the member. */
export function refusalText(refusal: Refusal, catalog: readonly ProblemDefinition[]): string {
  if (refusal.kind === 'upload') return refusal.message;
  if (refusal.kind === 'busy') {
    const other = catalog.find((p) => p.id === refusal.inFlight.problemId)?.title ?? refusal.inFlight.problemId;
    return `You already have a grade in progress (${other}, ${refusal.inFlight.status}). One grade at a time: this one starts when that one is done, so send it again then.`;
  }
  return `You have used your ${refusal.perHour} grade${refusal.perHour === 1 ? '' : 's'} for this hour. You can grade again <t:${Math.ceil(refusal.retryAt.getTime() / 1000)}:R>.`;
}

function pointsField(result: GradeResult): string {
  return thresholdLines(result)
    .map((line, index) => (result.thresholds[index].points === result.points ? `**${line}**` : line))
    .join('\n');
}

function detailLines(result: GradeResult): string | undefined {
  const details = result.details;
  if (details.kind === 'classification') {
    const perClass = details.perClass
      .map((c) => `${c.name}: ${(c.accuracy * 100).toFixed(1)}% (${c.correct}/${c.total})`)
      .join('\n');
    return `${perClass}\nRead as: ${details.decisionRule}`.slice(0, 1024);
  }
  if (details.kind === 'regression' || details.kind === 'time-series') {
    const r = details.residuals;
    return [
      `mean error ${r.mean.toFixed(4)}, mean |error| ${r.meanAbs.toFixed(4)}`,
      `median |error| ${r.p50Abs.toFixed(4)}, 90% under ${r.p90Abs.toFixed(4)}, max ${r.maxAbs.toFixed(4)}`,
    ].join('\n');
  }
  if (details.kind === 'non-finite') return `${details.nonFiniteCount} outputs were NaN or infinite (first at sample ${details.firstNonFiniteIndex}).`;
  return undefined;
}

/** Where a grade counts, in one line; that a stored result was reused, when it was. */
export function countingLine(options: { reused?: boolean; counting?: GradeCounting }): string | undefined {
  const { reused, counting } = options;
  if (!counting) return reused ? '_This file was graded before: here is its stored result._' : undefined;
  const before = reused ? 'This file was graded before, so its stored result is reused. ' : '';
  if (!counting.inWeekSet) {
    return `_${before}This problem is not in this week's set (${counting.week}): the grade counts for your best on it, not on the week's boards._`;
  }
  return `_${before}Counts for the mock exam of ${counting.week}${counting.timed ? ' and for your timed attempt' : ''}._`;
}

export async function resultMessage(
  submission: Submission,
  result: GradeResult,
  options: { reused?: boolean; counting?: GradeCounting } = {},
): Promise<{ embeds: EmbedBuilder[]; files: AttachmentBuilder[] }> {
  const colour = result.points === 5 ? COLOURS.full : result.points >= 3 ? COLOURS.partial : COLOURS.low;
  const embed = new EmbedBuilder()
    .setTitle(`${result.problemTitle}: ${pointMarks(result.points, result.maxPoints)}`.slice(0, 256))
    .setColor(colour)
    .setDescription(
      [
        `**${result.metricName}**: ${formatMetric(result.metric, result.value)} on ${result.sampleCount} held-out samples`,
        versusBaseline(result),
        result.message === undefined ? undefined : asText(result.message, 1500),
        countingLine(options),
      ]
        .filter(Boolean)
        .join('\n')
        .slice(0, 4000),
    )
    .addFields({ name: 'Points', value: pointsField(result) || '-', inline: true });
  const baselines = baselineLines(result);
  if (baselines.length > 0) embed.addFields({ name: 'Baselines', value: baselines.join('\n').slice(0, 1024), inline: true });
  const details = detailLines(result);
  if (details) embed.addFields({ name: 'Details', value: details, inline: true });
  embed.addFields({ name: 'Next point', value: asText(result.hint) || '-' });
  if (result.notes.length > 0) embed.addFields({ name: 'Adjusted', value: asText(result.notes.join('\n')) });
  embed.setFooter({
    text: `${submission.fileName} · ${result.format} · ${result.model.paramCount.toLocaleString('en-US')} params · ${result.backend} · ${(result.timings.totalMs / 1000).toFixed(1)} s · week ${submission.week}`.slice(0, 2048),
  });
  const files: AttachmentBuilder[] = [];
  const chart = await renderGradeChart(result);
  if (chart) {
    files.push(new AttachmentBuilder(chart.png, { name: chart.name }));
    embed.setImage(`attachment://${chart.name}`);
  }
  return { embeds: [embed], files };
}

export function failureEmbed(problem: ProblemDefinition | undefined, fileName: string, message: string, internal: boolean): EmbedBuilder {
  return new EmbedBuilder()
    .setTitle(`${problem?.title ?? 'Grade'}: not graded`.slice(0, 256))
    .setColor(COLOURS.failed)
    .setDescription(
      asText(internal ? `The grader failed on our side, not because of your model. ${message}` : message, 4000),
    )
    .setFooter({ text: fileName.slice(0, 200) });
}

/** The reply of a grade whose data the member deleted (/privacy) while it ran. */
export function deletedEmbed(problem: ProblemDefinition | undefined, fileName: string): EmbedBuilder {
  return new EmbedBuilder()
    .setTitle(`${problem?.title ?? 'Grade'}: not graded`.slice(0, 256))
    .setColor(COLOURS.failed)
    .setDescription('You deleted your data in this server while this model was being graded, so nothing was recorded.')
    .setFooter({ text: fileName.slice(0, 200) });
}

/** The reply when a finished grade's result could not be drawn: what happened to the grade. */
export function unbuiltResultReply(submission: Submission, catalog: readonly ProblemDefinition[]): { embeds: EmbedBuilder[]; files: AttachmentBuilder[] } {
  const title = catalog.find((p) => p.id === submission.problemId)?.title ?? 'Grade';
  const graded = submission.status === 'graded';
  const embed = new EmbedBuilder()
    .setTitle(`${title}: ${graded ? pointMarks(submission.points ?? 0) : 'not graded'}`.slice(0, 256))
    .setColor(graded ? COLOURS.partial : COLOURS.failed)
    .setDescription(
      graded
        ? 'Your model was graded and the points are recorded, but the details could not be drawn. `/mockexam status` and `/problems list` show your points.'
        : 'Your grade finished, but its reply could not be drawn. Please upload the model again.',
    )
    .setFooter({ text: submission.fileName.slice(0, 200) });
  return { embeds: [embed], files: [] };
}
