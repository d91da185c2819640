// How quiz questions look in Discord: the post with one button per choice, its reveal, the private
// feedback on an answer, and the review run. A button's custom id names the post and the button's
// position, which the post's stored shuffle maps to a choice: the id alone says nothing about the
// answer.
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from 'discord.js';
import type { BankView, ImportRefusal } from '../../quiz/quiz-banks.ts';
import { BANK_NAME_MAX, BUILTIN_BANK } from '../../quiz/quiz-banks.ts';
import { CSV_COLUMNS } from '../../quiz/question-bank.ts';
import { POINTS_BY_DIFFICULTY, type AnswerOutcome, type AnswerRefusal, type AskRefusal, type PostView, type ReviewRefusal } from '../../quiz/quiz-service.ts';
import { customId } from '../command.ts';
import { asText } from './member-text.ts';
import { TOPIC_COLOURS } from './tip-messages.ts';

const LETTERS = ['A', 'B', 'C', 'D', 'E'];
/** A choice holds at most 80 characters; escaping may double them. */
const CHOICE_SHOWN = 2 * 80;
const unix = (date: Date) => Math.floor(date.getTime() / 1000);

type TopicNames = (topicId: string) => string;
type PostMessage = { embeds: EmbedBuilder[]; components: Array<ActionRowBuilder<ButtonBuilder>> };

function points(difficulty: keyof typeof POINTS_BY_DIFFICULTY): string {
  const value = POINTS_BY_DIFFICULTY[difficulty];
  return `${value} point${value === 1 ? '' : 's'}`;
}

function share(right: number, answered: number): string {
  return answered === 0 ? 'nobody answered' : `${right} of ${answered} got it right (${Math.round((100 * right) / answered)}%)`;
}

function questionEmbed(post: PostView, topicName: TopicNames): EmbedBuilder {
  const q = post.question;
  const choices = post.buttons.map((choice, i) => `**${LETTERS[i]}.** ${asText(choice, CHOICE_SHOWN)}`).join('\n');
  return new EmbedBuilder()
    .setColor(TOPIC_COLOURS[q.topic] ?? 0x607d8b)
    .setTitle(`${post.kind === 'daily' ? 'Question of the day' : post.kind === 'review' ? 'Review' : 'Quiz'} · ${topicName(q.topic)}`)
    .setDescription(`${q.question}\n\n${choices}`)
    .setFooter({ text: `${q.difficulty} · ${points(q.difficulty)} · ${q.id}` });
}

function choiceButtons(post: PostView, revealed: boolean): ButtonBuilder[] {
  return post.buttons.map((_choice, position) => {
    const button = new ButtonBuilder()
      .setCustomId(customId('quiz', 'answer', post.id, position))
      // The embed lists each choice after its letter; the buttons carry the letters, so a long
      // choice never crowds the row.
      .setLabel(LETTERS[position]);
    if (!revealed) return button.setStyle(ButtonStyle.Primary);
    return button.setStyle(position === post.answerPosition ? ButtonStyle.Success : ButtonStyle.Secondary).setDisabled(true);
  });
}

/** A question posted in a channel, open or revealed. */
export function quizPostMessage(post: PostView, topicName: TopicNames): PostMessage {
  const embed = questionEmbed(post, topicName);
  const revealed = post.closedAt !== null;
  if (revealed) {
    embed.addFields(
      { name: 'Answer', value: `**${LETTERS[post.answerPosition]}. ${asText(post.question.answer, CHOICE_SHOWN)}**: ${share(post.correctAnswers, post.answers)}.` },
      { name: 'Why', value: post.question.explanation.slice(0, 1024) },
      { name: 'Read more', value: post.question.reference },
    );
  } else {
    embed.addFields(
      { name: 'Answered', value: `${post.answers} member${post.answers === 1 ? '' : 's'}`, inline: true },
      { name: 'Closes', value: `<t:${unix(post.closesAt)}:R>`, inline: true },
    );
  }
  const rows = [new ActionRowBuilder<ButtonBuilder>().addComponents(choiceButtons(post, revealed))];
  if (!revealed) {
    rows.push(
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId(customId('quiz', 'close', post.id)).setLabel('Close and reveal').setStyle(ButtonStyle.Secondary),
      ),
    );
  }
  return { embeds: [embed], components: rows };
}

function feedbackEmbed(outcome: Pick<AnswerOutcome, 'post' | 'correct' | 'chosen' | 'points'> & { scored?: boolean; streak?: number; nextDue?: Date }): EmbedBuilder {
  const q = outcome.post.question;
  const lines = outcome.correct
    ? [
        `**Right**: ${asText(q.answer, CHOICE_SHOWN)}. ${
          outcome.scored === false ? 'No points: this question is not due for you yet (spaced repetition).' : `+${outcome.points} point${outcome.points === 1 ? '' : 's'}.`
        }`,
      ]
    : [`**Not this time.** You chose "${asText(outcome.chosen, CHOICE_SHOWN)}"; the answer is **${asText(q.answer, CHOICE_SHOWN)}**.`];
  if (outcome.streak !== undefined) lines.push(`Daily streak: ${outcome.streak} day${outcome.streak === 1 ? '' : 's'}.`);
  if (outcome.nextDue) lines.push(`This question comes back for you <t:${unix(outcome.nextDue)}:R> (\`/quiz review\`).`);
  return new EmbedBuilder()
    .setColor(outcome.correct ? 0x43a047 : 0xe53935)
    .setDescription(lines.join('\n'))
    .addFields({ name: 'Why', value: q.explanation.slice(0, 1024) }, { name: 'Read more', value: q.reference });
}

/** The private answer to a click on a channel post. */
export function answerFeedback(outcome: AnswerOutcome): { embeds: EmbedBuilder[] } {
  return { embeds: [feedbackEmbed(outcome)] };
}

/** A review question waiting for its answer. */
export function reviewMessage(post: PostView, due: number, topicName: TopicNames): PostMessage {
  const embed = questionEmbed(post, topicName).setFooter({
    text: `${due} question${due === 1 ? '' : 's'} due for you · ${post.question.difficulty} · ${points(post.question.difficulty)} · ${post.question.id}`,
  });
  return { embeds: [embed], components: [new ActionRowBuilder<ButtonBuilder>().addComponents(choiceButtons(post, false))] };
}

export function reviewAnsweredMessage(outcome: AnswerOutcome, topicName: TopicNames): PostMessage {
  return {
    embeds: [questionEmbed(outcome.post, topicName), feedbackEmbed(outcome)],
    components: [
      new ActionRowBuilder<ButtonBuilder>().addComponents(choiceButtons(outcome.post, true)),
      // A row of its own: a question may have five choices, the most a row holds.
      new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(customId('quiz', 'next')).setLabel('Next question').setStyle(ButtonStyle.Primary)),
    ],
  };
}

export function answerRefusalText(refusal: AnswerRefusal): string {
  switch (refusal.kind) {
    case 'no-post':
      return 'This question is no longer in the bot\'s records.';
    case 'no-choice':
      return 'That button is not one of this question\'s choices.';
    case 'not-yours':
      return 'This review belongs to another member. `/quiz review` starts your own.';
    case 'closed':
      return `This question has closed. The answer was **${asText(refusal.post.question.answer, CHOICE_SHOWN)}**. \`/quiz ask\` posts a new one.`;
    case 'already-answered':
      return `You already answered this question ("${asText(refusal.chosen, CHOICE_SHOWN)}", ${refusal.correct ? 'right' : 'not right'}): one answer per member.`;
  }
}

export function askRefusalText(refusal: AskRefusal): string {
  if (refusal.kind === 'already-open') {
    const link = refusal.post.messageId ? `https://discord.com/channels/${refusal.post.guildId}/${refusal.post.channelId}/${refusal.post.messageId}` : 'in this channel';
    return `Your question ${link} is still open (it closes <t:${unix(refusal.post.closesAt)}:R>): one open question per member in a channel. \`/quiz review\` works privately meanwhile.`;
  }
  const wanted = [refusal.filter.topic && `topic \`${refusal.filter.topic}\``, refusal.filter.difficulty && `difficulty \`${refusal.filter.difficulty}\``].filter(Boolean);
  if (refusal.banksOn === 0) return 'Every question bank is switched off on this server. A moderator (Manage Server) can switch one on with `/quiz banks`.';
  return wanted.length > 0
    ? `The banks switched on here have no question of ${wanted.join(' and ')}. Try another, or leave the option out.`
    : 'The banks switched on here hold no questions.';
}

export function reviewRefusalText(refusal: ReviewRefusal): string {
  return refusal.nextDue
    ? `Nothing is due for review. Your next question comes back <t:${unix(refusal.nextDue)}:R>; \`/quiz ask\` posts a new one now.`
    : 'Nothing to review yet: questions you answer with `/quiz ask` come back here when spaced repetition says it is time.';
}


/** /quiz banks: one line and one on/off button per bank. */
export function banksMessage(banks: BankView[], notice?: string): { content?: string; embeds: EmbedBuilder[]; components: Array<ActionRowBuilder<ButtonBuilder>> } {
  const lines = banks.map(
    (bank) =>
      `${bank.enabled ? '🟢' : '⚪'} **${asText(bank.name, BANK_NAME_MAX + 10)}**: ${bank.questions} question${bank.questions === 1 ? '' : 's'}${
        bank.importedAt ? `, imported <t:${unix(bank.importedAt)}:d>` : ''
      }${bank.enabled ? '' : ' (off)'}`,
  );
  const buttons = banks.map((bank) =>
    new ButtonBuilder()
      .setCustomId(customId('quiz', bank.enabled ? 'bank-off' : 'bank-on', bank.prefix))
      .setLabel(`${bank.enabled ? 'Switch off' : 'Switch on'}: ${bank.prefix === BUILTIN_BANK ? 'Built-in' : bank.name}`.slice(0, 80))
      .setStyle(bank.enabled ? ButtonStyle.Secondary : ButtonStyle.Success),
  );
  const rows: Array<ActionRowBuilder<ButtonBuilder>> = [];
  for (let i = 0; i < buttons.length; i += 5) rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(buttons.slice(i, i + 5)));
  const embed = new EmbedBuilder()
    .setTitle('Question banks on this server')
    .setDescription(lines.join('\n'))
    .setFooter({ text: '/quiz import adds a bank (YAML, JSON or CSV); importing under an existing name replaces it.' });
  return { ...(notice ? { content: notice } : {}), embeds: [embed], components: rows };
}

/** Discord's limit for a message's content, with room for the ending. */
const CONTENT_MAX = 1900;

export function importRefusalText(refusal: ImportRefusal, fileName: string): string {
  if (refusal.kind === 'too-many-banks') {
    return `This server has ${refusal.names.length} banks, the most it may hold. Import under an existing name to replace that bank: ${refusal.names.map((n) => `"${asText(n, 50)}"`).join(', ')}.`;
  }
  const intro = refusal.kind === 'invalid-name' ? 'The bank was not imported:' : `Nothing was imported from ${asText(fileName, 100)}; fix these and import it again:`;
  const lines: string[] = [];
  let length = intro.length;
  for (const [index, problem] of refusal.problems.entries()) {
    const line = `• ${asText(problem, 400)}`;
    if (length + line.length + 1 > CONTENT_MAX) {
      lines.push(`…and ${refusal.problems.length - index} more (\`tf-study-bot questions --check ${asText(fileName, 60)}\` lists them all).`);
      break;
    }
    lines.push(line);
    length += line.length + 1;
  }
  const columns = fileName.toLowerCase().endsWith('.csv') && refusal.problems.some((p) => p.includes('column')) ? `\nCSV columns: ${CSV_COLUMNS.join(',')}` : '';
  return `${intro}\n${lines.join('\n')}${columns}`;
}

export function importedText(bank: BankView, replaced: boolean): string {
  return `${replaced ? 'Replaced' : 'Imported'} the bank **${asText(bank.name, BANK_NAME_MAX + 10)}**: ${bank.questions} question${bank.questions === 1 ? '' : 's'}, ${
    bank.enabled ? 'served by `/quiz ask` on this server' : 'switched off (`/quiz banks` switches it on)'
  }.`;
}
