// /quiz through the fake Discord: a posted question answered by two members, a second click
// refused, points and streak in the private feedback, the post's count and its reveal, a restart
// between the post and a click, a moderator's close, the private review, and banks a server
// imports (a file with bad rows saves nothing; a good one serves that server only).
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { asText } from '../../src/bot/ui/member-text.ts';
import { quizAnswers, quizCards, quizPosts, reminders } from '../../src/db/schema.ts';
import { loadQuestionBank, type Question } from '../../src/quiz/question-bank.ts';
import { loadKnowledgeBase } from '../../src/tips/knowledge-base.ts';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import type { FakeMember, Json } from '../support/fake-discord/index.ts';

const EPHEMERAL = 1 << 6;
const LETTERS = ['A', 'B', 'C', 'D', 'E'];

type Embed = { title: string; description: string; fields?: Array<{ name: string; value: string }>; footer?: { text: string } };
type Button = { label: string; custom_id: string; disabled?: boolean; style: number };

let bot: BotHarness;
/** The bot's clock: the tests move it (a day for a review, past a post's closing time). */
let now = new Date('2026-11-30T10:00:00Z');
const advance = (ms: number) => (now = new Date(now.getTime() + ms));
let questionsById: Map<string, Question>;
let second: { id: string };
beforeAll(async () => {
  const { skills } = await loadKnowledgeBase();
  questionsById = new Map((await loadQuestionBank(skills)).questions.map((q) => [q.id, q]));
  bot = await startBotHarness({
    persistent: true,
    fake: { guilds: [{ name: 'TF study group' }, { name: 'Other study group' }] },
    start: { clock: () => now },
  });
  second = [...bot.fake.guilds.values()][1] as unknown as { id: string };
});
afterAll(async () => bot?.stop());
afterEach(() => bot.fake.assertNoViolations());

function buttonsOf(message: Json): Button[] {
  return (message.components as Array<{ components: Button[] }>).flatMap((row) => row.components);
}

/** The post's question, and the letter of each choice as the embed lists them. */
function read(message: Json): { question: Question; embed: Embed; rightButton: Button; wrongButton: Button } {
  const embed = (message.embeds as Embed[])[0];
  const id = embed.footer!.text.split(' · ').at(-1)!;
  const question = questionsById.get(id) ?? customQuestion(id);
  const listed = embed.description.split('\n').filter((line) => /^\*\*[A-E]\.\*\* /.test(line));
  const rightLetter = LETTERS[listed.findIndex((line) => line.endsWith(` ${asText(question.answer, 100)}`))];
  const choiceButtons = buttonsOf(message).filter((b) => b.custom_id.startsWith('quiz:answer:'));
  return {
    question,
    embed,
    rightButton: choiceButtons.find((b) => b.label === rightLetter)!,
    wrongButton: choiceButtons.find((b) => b.label !== rightLetter)!,
  };
}

function customQuestion(id: string): Question {
  return { id, answer: 'Embedding' } as Question;
}

async function ask(member: FakeMember, options: Record<string, string> = {}, guildId = member.guildId): Promise<Json> {
  const asked = await bot.fake.slashCommand({ name: 'quiz', subcommand: 'ask', guildId, member, options });
  const response = await asked.response();
  expect(response.type).toBe(4);
  expect(((response.data as { flags?: number }).flags ?? 0) & EPHEMERAL).toBe(0); // the channel sees it
  return asked.waitForMessage();
}

async function click(message: Json, button: Button, member: FakeMember): Promise<{ type: number; data: { content?: string; embeds?: Embed[]; flags?: number; components?: unknown[] } }> {
  const clicked = await bot.fake.clickButton({ message, customId: button.custom_id, member });
  return (await clicked.response()) as never;
}

function text(data: { content?: string; embeds?: Embed[] }): string {
  return [data.content ?? '', ...(data.embeds ?? []).flatMap((e) => [e.title ?? '', e.description ?? '', ...(e.fields ?? []).map((f) => `${f.name}: ${f.value}`)])].join('\n');
}

function field(message: Json | undefined, name: string): string | undefined {
  return (message?.embeds as Embed[] | undefined)?.[0]?.fields?.find((f) => f.name === name)?.value;
}

describe('/quiz through the fake Discord', () => {
  it('registers ask, review, import and banks', () => {
    const commands = bot.fake.commands({ guildId: bot.guildId }) as Array<{ name: string; options: Array<{ name: string }> }>;
    expect(commands.find((c) => c.name === 'quiz')!.options.map((o) => o.name)).toEqual(['ask', 'review', 'stats', 'import', 'banks']);
  });

  it('posts a question two members answer once each; the count, points, streak and reveal follow', async () => {
    const other = bot.fake.member({ guildId: bot.guildId, username: 'other', permissions: PermissionFlagsBits.SendMessages });
    const message = await ask(bot.student, { topic: 'nlp', difficulty: 'medium' });
    const { question, embed, rightButton, wrongButton } = read(message);
    expect(question.topic).toBe('nlp');
    expect(embed.footer!.text).toContain('medium · 2 points');
    expect(field(message, 'Answered')).toBe('0 members');
    // Each custom id names the post and a position: nothing about which choice is right.
    const postId = rightButton.custom_id.split(':')[2];
    expect(buttonsOf(message).filter((b) => b.custom_id.startsWith('quiz:answer:')).map((b) => b.custom_id)).toEqual(
      question.choices.map((_, position) => `quiz:answer:${postId}:${position}`),
    );

    const right = await click(message, rightButton, bot.student);
    expect(right.type).toBe(4);
    expect(right.data.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(text(right.data)).toContain('+2 points');
    expect(text(right.data)).toContain('Daily streak: 1 day');
    expect(text(right.data)).toContain(question.reference);

    const wrong = await click(message, wrongButton, other);
    expect(wrong.data.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(text(wrong.data)).toContain('Not this time');
    expect(text(wrong.data)).toContain(`the answer is **${asText(question.answer, 100)}**`);

    const twice = await click(message, wrongButton, bot.student);
    expect(twice.data.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(twice.data.content).toContain('You already answered this question');

    // Points and streak are in the member's stats.
    const stats = await bot.fake.slashCommand({ name: 'quiz', subcommand: 'stats', member: other, options: { member: bot.student } });
    const statsReply = (await stats.response()).data as { flags: number; embeds: Embed[] };
    expect(statsReply.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(text(statsReply)).toContain('Points: 2 this week');
    expect(text(statsReply)).toMatch(/1 day/);

    // The first answer showed at once; the second waits out the 2 s between edits, then lands.
    advance(2_000);
    await vi.waitFor(() => expect(field(bot.fake.message(message.id as string), 'Answered')).toBe('2 members'), { timeout: 15_000, interval: 100 });

    // Only a moderator closes it; the reveal shows the answer and the share who got it right.
    const close = buttonsOf(message).find((b) => b.custom_id.startsWith('quiz:close:'))!;
    expect((await click(message, close, bot.student)).data.content).toContain('Manage Messages');
    const moderator = bot.fake.member({ guildId: bot.guildId, username: 'mod2', permissions: PermissionFlagsBits.ManageMessages });
    const closed = await click(message, close, moderator);
    expect(closed.type).toBe(7);
    expect(text(closed.data)).toContain('1 of 2 got it right (50%)');
    const revealedButtons = (closed.data.components as Array<{ components: Button[] }>).flatMap((r) => r.components);
    expect(revealedButtons.every((b) => b.disabled)).toBe(true);
    expect(revealedButtons.find((b) => b.label === rightButton.label)!.style).toBe(3); // green
  });

  it('takes a click after a restart as if nothing happened', async () => {
    const message = await ask(bot.student, { topic: 'time-series' });
    const { rightButton } = read(message);
    await bot.restart();
    const answered = await click(message, rightButton, bot.student);
    expect(text(answered.data)).toContain('**Right**');
    await vi.waitFor(() => expect(field(bot.fake.message(message.id as string), 'Answered')).toBe('1 member'), { timeout: 15_000, interval: 100 });
  });

  it('closes a question when its time is up, with the answer revealed', async () => {
    advance(10 * 60_000); // past the question the student left open above
    const message = await ask(bot.student, { topic: 'exam-strategy' });
    const { question, rightButton } = read(message);
    await click(message, rightButton, bot.student);
    advance(10 * 60_000);
    const outcome = await bot.app.jobs.runNow('quiz-sweep');
    expect(outcome.ok).toBe(true);
    const revealed = bot.fake.message(message.id as string)!;
    expect(field(revealed, 'Answer')).toContain('1 of 1 got it right (100%)');
    expect(field(revealed, 'Read more')).toBe(question.reference);
    expect(buttonsOf(revealed).every((b) => b.disabled)).toBe(true);
  });

  it('reviews a missed question privately the next day', async () => {
    const member = bot.fake.member({ guildId: bot.guildId, username: 'reviewer', permissions: PermissionFlagsBits.SendMessages });
    const nothing = await bot.fake.slashCommand({ name: 'quiz', subcommand: 'review', member });
    expect(((await nothing.response()).data as { content: string }).content).toContain('Nothing to review yet');

    const message = await ask(member, { topic: 'fundamentals' });
    const { question, wrongButton } = read(message);
    await click(message, wrongButton, member);
    const notYet = await bot.fake.slashCommand({ name: 'quiz', subcommand: 'review', member });
    expect(((await notYet.response()).data as { content: string }).content).toContain('Nothing is due for review');

    advance(24 * 3_600_000);
    const review = await bot.fake.slashCommand({ name: 'quiz', subcommand: 'review', member });
    const shown = await review.response();
    expect((shown.data as { flags: number }).flags & EPHEMERAL).toBe(EPHEMERAL);
    const reviewMessage = await review.waitForMessage();
    const { question: again, rightButton } = read(reviewMessage);
    expect(again.id).toBe(question.id);
    expect((reviewMessage.embeds as Embed[])[0].footer!.text).toContain('1 question due for you');

    // Someone else's click on it is refused.
    expect((await click(reviewMessage, rightButton, bot.student)).data.content).toContain('belongs to another member');
    const answered = await click(reviewMessage, rightButton, member);
    expect(answered.type).toBe(7);
    expect(text(answered.data)).toContain('**Right**');
    const next = (answered.data.components as Array<{ components: Button[] }>).flatMap((r) => r.components).find((b) => b.label === 'Next question')!;
    const done = await click(reviewMessage, next, member);
    expect(done.data.content).toContain('Nothing is due for review');
  });

  it('imports nothing from a file with two bad rows, naming both lines', async () => {
    const csv = [
      'id,topic,skill,difficulty,question,choice1,choice2,choice3,answer,explanation,reference',
      `club-good,nlp,nlp.text-preparation,easy,Which layer looks word ids up?,Embedding,Dense,Flatten,Embedding,${EXPLANATION},${REFERENCE}`,
      `club-bad-answer,nlp,nlp.text-preparation,easy,Which layer looks word ids up?,Embedding,Dense,Flatten,LSTM,${EXPLANATION},${REFERENCE}`,
      `club-bad-level,nlp,nlp.text-preparation,expert,Which layer looks word ids up?,Embedding,Dense,Flatten,Embedding,${EXPLANATION},${REFERENCE}`,
    ].join('\n');
    const file = bot.fake.cdn.add('club.csv', new TextEncoder().encode(csv));
    const refusedForStudent = await bot.fake.slashCommand({ name: 'quiz', subcommand: 'import', member: bot.student, options: { file } });
    expect(((await refusedForStudent.response()).data as { content: string }).content).toContain('Manage Server');

    const imported = await bot.fake.slashCommand({ name: 'quiz', subcommand: 'import', member: bot.moderator, options: { file } });
    const reply = await imported.waitForMessage();
    expect(reply.content).toContain('Nothing was imported from club.csv');
    expect(reply.content).toMatch(/club\.csv line 3, .*the answer "LSTM" is not one of the choices/);
    expect(reply.content).toMatch(/club\.csv line 4, .*difficulty/);
    expect(reply.content).not.toContain('line 2');
    const banks = await bot.fake.slashCommand({ name: 'quiz', subcommand: 'banks', member: bot.moderator });
    expect(((await banks.waitForMessage()).embeds as Embed[])[0].description).not.toContain('club');
  });

  it('serves an imported bank in its own server only', async () => {
    const csv = [
      'id,topic,skill,difficulty,question,choice1,choice2,choice3,answer,explanation,reference',
      `club-embedding,nlp,nlp.text-preparation,easy,Which layer looks word ids up?,Embedding,Dense,Flatten,Embedding,${EXPLANATION},${REFERENCE}`,
    ].join('\n');
    const file = bot.fake.cdn.add('club.csv', new TextEncoder().encode(csv));
    const imported = await bot.fake.slashCommand({ name: 'quiz', subcommand: 'import', member: bot.moderator, options: { file, name: 'Club' } });
    expect((await imported.waitForMessage()).content).toContain('Imported the bank **Club**: 1 question');

    // Switch the built-in bank off with its button: this server now serves the club's question only.
    const banks = await bot.fake.slashCommand({ name: 'quiz', subcommand: 'banks', member: bot.moderator });
    const listing = await banks.waitForMessage();
    const off = buttonsOf(listing).find((b) => b.custom_id === 'quiz:bank-off:builtin')!;
    expect((await click(listing, off, bot.student)).data.content).toContain('Manage Server');
    const switched = await click(listing, off, bot.moderator);
    expect(switched.type).toBe(7);
    expect(text(switched.data)).toContain('Built-in is off');

    advance(10 * 60_000);
    const here = await ask(bot.student);
    expect((here.embeds as Embed[])[0].footer!.text).toMatch(/ · club-embedding$/);
    // The other server, with its built-in bank off too, has no question at all: the club's bank is not its.
    const otherModerator = bot.fake.member({ guildId: second.id, username: 'other-mod', permissions: PermissionFlagsBits.ManageGuild });
    const otherBanks = await (await bot.fake.slashCommand({ name: 'quiz', subcommand: 'banks', guildId: second.id, member: otherModerator })).waitForMessage();
    expect(buttonsOf(otherBanks).map((b) => b.custom_id)).toEqual(['quiz:bank-off:builtin']);
    await click(otherBanks, buttonsOf(otherBanks)[0], otherModerator);
    const there = await bot.fake.slashCommand({ name: 'quiz', subcommand: 'ask', guildId: second.id, member: otherModerator });
    expect(((await there.response()).data as { content: string }).content).toContain('Every question bank is switched off on this server');
  });
});

describe('/quiz settings, the daily question and member data', () => {
  it('keeps a question open as long as /config quiz_minutes says', async () => {
    const set = await bot.fake.slashCommand({ name: 'config', member: bot.moderator, options: { quiz_minutes: 30 } });
    expect(text((await set.response()).data as { embeds: Embed[] })).toContain('open 30 min');
    advance(10 * 60_000);
    const message = await ask(bot.student);
    const closes = field(message, 'Closes')!;
    expect(Number(/<t:(\d+):R>/.exec(closes)![1])).toBe(Math.floor(now.getTime() / 1000) + 30 * 60);
    // Discord refuses values outside the option's range before the bot sees them; the service does too.
    expect(await bot.app.context.settings.update(bot.guildId, { quizOpenMinutes: 0 })).toMatchObject({ ok: false, reason: { kind: 'quiz-minutes-out-of-range' } });
    await bot.fake.slashCommand({ name: 'config', member: bot.moderator, options: { quiz_minutes: 10 } }).then((it) => it.response());
  });

  it('posts the daily question in a channel, answerable like any other', async () => {
    const channelId = [...bot.fake.guild().channels.values()][0].id as string;
    const posted = await bot.app.context.quizPosts.postDaily(bot.guildId, channelId, '2026-11-30');
    expect(posted).toBeDefined();
    const message = bot.fake.message(posted!.messageId)!;
    expect(message.channel_id).toBe(channelId);
    expect((message.embeds as Embed[])[0].title).toMatch(/^Question of the day · /);
    const { rightButton } = read(message);
    const answered = await click(message, rightButton, bot.student);
    expect(text(answered.data)).toContain('**Right**');
    advance(2_000);
    await vi.waitFor(() => expect(field(bot.fake.message(posted!.messageId), 'Answered')).toBe('1 member'), { timeout: 15_000, interval: 100 });
  });

  it('/privacy delete-my-data deletes the member\'s answers and review schedule', async () => {
    const member = bot.fake.member({ guildId: bot.guildId, username: 'leaver', permissions: PermissionFlagsBits.SendMessages });
    const message = await ask(member);
    await click(message, read(message).wrongButton, member);
    const cardsOf = async () => (await bot.app.database.db.select().from(quizCards)).filter((c) => c.userId === member.user.id);
    expect(await cardsOf()).toHaveLength(1);
    await (await bot.fake.slashCommand({ name: 'remind', subcommand: 'add', member, options: { when: 'in 2h', text: 'Review' } })).response();
    const prompt = await (await bot.fake.slashCommand({ name: 'privacy', subcommand: 'delete-my-data', member })).waitForMessage();
    const confirm = buttonsOf(prompt).find((b) => b.label === 'Delete my data')!;
    const deleted = await click(prompt, confirm, member);
    expect(deleted.data.content).toContain('1 quiz answer');
    expect(deleted.data.content).toContain('1 reminder');
    expect((await bot.app.database.db.select().from(reminders)).filter((r) => r.userId === member.user.id)).toEqual([]);
    expect(await cardsOf()).toEqual([]);
    expect((await bot.app.database.db.select().from(quizAnswers)).filter((a) => a.userId === member.user.id)).toEqual([]);
    // The post itself stays; while open, it no longer counts the deleted answer, so the member may
    // answer again and is counted once.
    expect(field(bot.fake.message(message.id as string), 'Answered')).toBeDefined();
    const post = async () => (await bot.app.database.db.select().from(quizPosts)).find((p) => p.messageId === message.id)!;
    expect(await post()).toMatchObject({ answers: 0, correctAnswers: 0, closedAt: null });
    const again = await click(message, read(message).rightButton, member);
    expect(text(again.data)).toContain('**Right**');
    expect(await post()).toMatchObject({ answers: 1, correctAnswers: 1 });
  });
});

const EXPLANATION = 'Embedding maps each integer id to a learned vector; Dense and Flatten do not look ids up.';
const REFERENCE = 'https://keras.io/api/layers/core_layers/embedding/';
