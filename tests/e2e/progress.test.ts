// /progress as members see it through the fake Discord: private unless public, the card attached,
// every number of the card in the text, the verdict and one next step (a due review, a problem to
// grade, a tip to read), and a first step for a member who did nothing yet.
import { PNG } from 'pngjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { quizAnswers, quizCards, submissions } from '../../src/db/schema.ts';
import { retrievability, reviewCard } from '../../src/quiz/spaced-repetition.ts';
import { loadKnowledgeBase } from '../../src/tips/knowledge-base.ts';
import { problemCatalog } from '../../problems/index.ts';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import type { FakeMember, Json } from '../support/fake-discord/index.ts';

const EPHEMERAL = 1 << 6;
const DAY = 86_400_000;

type Embed = { title?: string; description?: string; footer?: { text: string }; image?: { url: string }; fields?: Array<{ name: string; value: string }> };

const now = new Date('2026-11-25T12:00:00Z');
let bot: BotHarness;
let nextPost = 1;
beforeAll(async () => {
  bot = await startBotHarness({ start: { clock: () => now } });
});
afterAll(async () => bot?.stop());
afterEach(() => bot.fake.assertNoViolations());

const idOf = (member: FakeMember) => member.user.id as string;

async function answers(member: FakeMember, skill: string, right: number, wrong: number): Promise<void> {
  const rows = Array.from({ length: right + wrong }, (_, i) => ({
    guildId: bot.guildId,
    userId: idOf(member),
    userName: member.user.username as string,
    postId: nextPost++,
    questionKey: `builtin:question-${i}`,
    topic: skill.split('.')[0],
    skill,
    difficulty: 'medium',
    correct: i < right,
    chosen: i < right ? 'right' : 'wrong',
    points: i < right ? 1 : 0,
    answeredAt: now,
    day: '2026-11-25',
    week: '2026-W48',
  }));
  await bot.app.database.db.insert(quizAnswers).values(rows);
}

/** A card for a question answered once, `daysAgo` days ago; returns its retrievability now. */
async function card(member: FakeMember, questionKey: string, skill: string, correct: boolean, daysAgo: number): Promise<number> {
  const reviewedAt = new Date(now.getTime() - daysAgo * DAY);
  const { card: stored, due } = reviewCard(undefined, correct, reviewedAt);
  await bot.app.database.db.insert(quizCards).values({ guildId: bot.guildId, userId: idOf(member), questionKey, topic: skill.split('.')[0], skill, card: stored, due, reviewedAt });
  return retrievability(stored, now);
}

async function graded(member: FakeMember, problemId: string, points: number): Promise<void> {
  await bot.app.database.db.insert(submissions).values({
    guildId: bot.guildId,
    userId: idOf(member),
    userName: member.user.username as string,
    problemId,
    weight: problemCatalog.find((p) => p.id === problemId)!.weight,
    week: '2026-W47',
    status: 'graded',
    points,
    fileName: 'model.h5',
    fileSha256: `${idOf(member)}-${problemId}-${points}`,
    fileSize: 1,
    createdAt: now,
  });
}

async function progress(member: FakeMember, options: Record<string, string | boolean | FakeMember> = {}): Promise<{ embed: Embed; flags: number; message: Json }> {
  const it = await bot.fake.slashCommand({ name: 'progress', member, options });
  const first = await it.response();
  expect(first.type).toBe(5); // deferred: the card is drawn after the acknowledgement
  const message = await it.waitForMessage();
  return { embed: (message.embeds as Embed[])[0], flags: ((first.data as { flags?: number } | undefined)?.flags ?? 0) & EPHEMERAL, message };
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

describe('/progress', () => {
  it('answers privately with the card, every number in the text, the verdict and the due review as the next step', async () => {
    await answers(bot.student, 'fundamentals.build-compile-train', 9, 1);
    await answers(bot.student, 'nlp.word-embeddings', 1, 3);
    const fresh = await card(bot.student, 'builtin:a', 'fundamentals.build-compile-train', true, 1);
    const forgotten = await card(bot.student, 'builtin:b', 'nlp.word-embeddings', false, 30);
    await graded(bot.student, 'linear-a', 5);
    await graded(bot.student, 'mnist', 4);
    await graded(bot.student, 'mnist', 2);
    await graded(bot.student, 'horse-or-human', 2);

    const { embed, flags, message } = await progress(bot.student);
    expect(flags).toBe(EPHEMERAL);
    expect(embed.title).toBe('Exam readiness · student');
    const attachment = (message.attachments as Json[])[0];
    expect(attachment.filename).toBe('readiness.png');
    expect(embed.image?.url).toContain('readiness.png');
    expect(PNG.sync.read(bot.fake.fileBytes(attachment)).width).toBe(800);

    const text = embed.description!;
    // Fundamentals reaches every ready threshold; the others lack grades, answers or recall.
    expect(text).toContain('Overall: **Not yet**');
    expect(text).toContain(`**TensorFlow fundamentals**: Ready\nrecall ${percent(fresh)} (1 card) · quiz 90% (9 of 10 right) · best grade cat. 1 5/5`);
    expect(text).toContain('**Image classification**: Not yet\nrecall – (0 cards) · quiz – (0 of 0 right) · best grade cat. 2 4/5, cat. 3 2/5');
    expect(text).toContain(`**Natural language processing**: Not yet\nrecall ${percent(forgotten)} (1 card) · quiz 25% (1 of 4 right) · best grade cat. 4 –`);
    expect(text).toContain('**Exam strategy**: Not yet\nrecall – (0 cards) · quiz – (0 of 0 right) · best grade no exam task');
    expect(embed.fields?.find((f) => f.name === 'Next step')?.value).toBe('1 quiz review is due: answer it with `/quiz review`.');
    expect(embed.footer?.text).toBe(
      'Ready: best grade ≥ 4/5 in each category, ≥ 80% of at least 10 quiz answers right, recall ≥ 80%. Almost: ≥ 3/5, ≥ 60%, ≥ 60%. Overall: the weakest area.',
    );
  });

  it('is posted in the channel with public:true, and shows another member\'s report with member:', async () => {
    await graded(bot.moderator, 'linear-b', 5);
    await graded(bot.moderator, 'mnist', 3);
    const { embed, flags, message } = await progress(bot.student, { member: bot.moderator, public: true });
    expect(flags).toBe(0);
    expect((message.attachments as Json[]).length).toBe(1);
    expect(embed.title).toBe('Exam readiness · mod');
    expect(embed.description).toContain('best grade cat. 1 5/5');
    // No card is due; category 3 is the first ungraded one.
    const horse = problemCatalog.find((p) => p.category === 3)!;
    expect(embed.fields?.find((f) => f.name === 'Next step')?.value).toBe(
      `Grade a model for ${horse.id} (${horse.title}; category 3, not graded yet) with \`/grade problem:${horse.id}\`.`,
    );
  });

  it('sends a member graded ready everywhere to a tip for their weakest skill', async () => {
    const knowledge = await loadKnowledgeBase();
    const graduate = bot.fake.member({ guildId: bot.guildId, username: 'graduate' });
    for (const id of ['linear-c', 'mnist', 'horse-or-human', 'bbc-news', 'sunspots']) await graded(graduate, id, 5);
    // Fundamentals is the weakest area (accuracy 0 with no answers ties; it comes first); its first skill with a tip, never answered, is the weakest.
    const skill = knowledge.skills.find((s) => s.topic === 'fundamentals' && knowledge.tips.some((t) => t.skill === s.id))!;
    const tip = knowledge.tips.find((t) => t.skill === skill.id)!;
    const { embed } = await progress(graduate);
    expect(embed.fields?.find((f) => f.name === 'Next step')?.value).toBe(
      `Read the tip ${tip.id}, "${tip.title}", on ${skill.id} (no quiz answers yet); \`/tip show topic:fundamentals\` shows the tips of fundamentals.`,
    );
  });

  it('gives a member with nothing "not yet" and a first step', async () => {
    const newcomer = bot.fake.member({ guildId: bot.guildId, username: 'newcomer' });
    const { embed, flags, message } = await progress(newcomer);
    expect(flags).toBe(EPHEMERAL);
    expect((message.attachments as Json[]).length).toBe(1);
    expect(embed.description).toContain('Overall: **Not yet**');
    expect(embed.description!.match(/: Not yet\n/g)).toHaveLength(5);
    const first = problemCatalog.find((p) => p.category === 1)!;
    expect(embed.fields?.find((f) => f.name === 'Next step')?.value).toBe(
      `Grade a model for ${first.id} (${first.title}; category 1, not graded yet) with \`/grade problem:${first.id}\`.`,
    );
  });
});
