// The quiz's rules on both storage engines: one answer per member and post whatever the race,
// points by difficulty, spaced repetition deciding what comes next, the streak in the server's
// timezone, closing once, throttled count edits, and banks that serve their own server only.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { loadQuestionBank, type QuestionBank } from '../../src/quiz/question-bank.ts';
import { QuizBankService } from '../../src/quiz/quiz-banks.ts';
import { POINTS_BY_DIFFICULTY, QuizService } from '../../src/quiz/quiz-service.ts';
import { GuildSettingsService } from '../../src/settings/guild-settings.ts';
import { quizPosts } from '../../src/db/schema.ts';
import { eq } from 'drizzle-orm';
import { loadKnowledgeBase, type Skill } from '../../src/tips/knowledge-base.ts';
import { openTestDatabase, testEngines } from '../support/db.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let builtin: QuestionBank;
let skills: Skill[];
beforeAll(async () => {
  ({ skills } = await loadKnowledgeBase());
  builtin = await loadQuestionBank(skills);
});

/** A seeded generator, so picks and shuffles repeat from run to run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function bankFile(ids: string[], topic = 'nlp', skill = 'nlp.text-preparation'): { name: string; bytes: Uint8Array } {
  const yaml = ids
    .map((id) =>
      [
        `- id: ${id}`,
        `  topic: ${topic}`,
        `  skill: ${skill}`,
        '  difficulty: hard',
        '  question: "Which layer turns word ids into dense vectors?"',
        '  choices: [Embedding, Dense, Flatten]',
        '  answer: Embedding',
        '  explanation: "Embedding maps each integer id to a learned vector; Dense and Flatten do not look ids up."',
        '  reference: https://keras.io/api/layers/core_layers/embedding/',
      ].join('\n'),
    )
    .join('\n');
  return { name: 'club.yaml', bytes: new TextEncoder().encode(yaml) };
}

describe.each(testEngines)('QuizService on %s', (engine) => {
  let handle: DatabaseHandle;
  let now: Date;
  let settings: GuildSettingsService;
  let banks: QuizBankService;
  let quiz: QuizService;
  let guild = 0;
  let guildId: string;
  let channels = 0;
  /** A channel of its own per question: a member may have one open question per channel. */
  const channel = () => `c${++channels}`;
  const ann = { id: 'u-ann', name: 'Ann' };
  const bob = { id: 'u-bob', name: 'Bob' };

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    const clock = () => now;
    settings = new GuildSettingsService(handle.db, 'Europe/Berlin', clock);
    banks = new QuizBankService(handle.db, builtin, skills, settings, clock);
    quiz = new QuizService(handle.db, banks, settings, clock, { random: seeded(7) });
  });
  afterAll(async () => handle?.close());
  beforeEach(() => {
    // 10:00 in Berlin, a server of its own per test.
    now = new Date('2026-11-30T09:00:00Z');
    guildId = `g-${engine}-${++guild}`;
  });

  it('takes one answer per member, scores it by difficulty and counts it on the post', async () => {
    const asked = await quiz.ask(guildId, channel(), ann, { topic: 'time-series', difficulty: 'hard' });
    expect(asked.ok).toBe(true);
    const post = asked.ok ? asked.value : undefined!;
    expect(post.question.topic).toBe('time-series');
    expect(post.question.difficulty).toBe('hard');
    expect([...post.buttons].sort()).toEqual([...post.question.choices].sort());
    expect(post.closesAt.getTime() - now.getTime()).toBe(10 * 60_000);

    const wrong = post.buttons.findIndex((choice) => choice !== post.question.answer);
    const annAnswer = await quiz.answer(guildId, post.id, ann, post.answerPosition);
    const bobAnswer = await quiz.answer(guildId, post.id, bob, wrong);
    expect(annAnswer).toMatchObject({ ok: true, value: { correct: true, points: POINTS_BY_DIFFICULTY.hard, streak: 1 } });
    expect(bobAnswer).toMatchObject({ ok: true, value: { correct: false, points: 0, chosen: post.buttons[wrong] } });

    const again = await quiz.answer(guildId, post.id, ann, wrong);
    expect(again).toMatchObject({ ok: false, reason: { kind: 'already-answered', chosen: post.question.answer, correct: true } });
    expect(await quiz.post(guildId, post.id)).toMatchObject({ answers: 2, correctAnswers: 1 });
  });

  it('keeps one answer when the same member clicks twice at once', async () => {
    const asked = await quiz.ask(guildId, channel(), ann, {});
    const post = asked.ok ? asked.value : undefined!;
    const clicks = await Promise.all([0, 1, 0, 1].map((position) => quiz.answer(guildId, post.id, bob, position)));
    expect(clicks.filter((c) => c.ok)).toHaveLength(1);
    expect(clicks.filter((c) => !c.ok).map((c) => !c.ok && c.reason.kind)).toEqual(['already-answered', 'already-answered', 'already-answered']);
    expect(await quiz.post(guildId, post.id)).toMatchObject({ answers: 1 });
  });

  it('closes a post once when it is due, and refuses answers after', async () => {
    const asked = await quiz.ask(guildId, channel(), ann, {});
    const post = asked.ok ? asked.value : undefined!;
    now = new Date(post.closesAt.getTime() - 1);
    expect((await quiz.closeExpired()).map((p) => p.id)).not.toContain(post.id);
    now = post.closesAt;
    const [first, second] = await Promise.all([quiz.closeExpired(), quiz.closeExpired()]);
    expect([...first, ...second].filter((p) => p.id === post.id)).toHaveLength(1);
    expect(await quiz.answer(guildId, post.id, bob, 0)).toMatchObject({ ok: false, reason: { kind: 'closed' } });
    expect(await quiz.close(guildId, post.id)).toBeUndefined();
  });

  it('keeps one open question per member and channel', async () => {
    const first = await quiz.ask(guildId, 'study', ann, {});
    expect(first.ok).toBe(true);
    expect(await quiz.ask(guildId, 'study', ann, {})).toMatchObject({ ok: false, reason: { kind: 'already-open', post: { id: first.ok && first.value.id } } });
    expect((await quiz.ask(guildId, 'study', bob, {})).ok).toBe(true);
    expect((await quiz.ask(guildId, 'elsewhere', ann, {})).ok).toBe(true);
    await quiz.close(guildId, first.ok ? first.value.id : 0);
    expect((await quiz.ask(guildId, 'study', ann, {})).ok).toBe(true);
  });

  it('scores a question only when it is new to the member or due for them', async () => {
    const asked = await quiz.ask(guildId, channel(), ann, { topic: 'nlp', difficulty: 'easy' });
    const post = asked.ok ? asked.value : undefined!;
    expect(await quiz.answer(guildId, post.id, ann, post.answerPosition)).toMatchObject({ ok: true, value: { points: 1, scored: true } });
    // The same question asked again by a topic filter, before spaced repetition brings it back.
    const again = await quiz.ask(guildId, channel(), bob, { topic: 'nlp', difficulty: 'easy' });
    const repeat = again.ok ? again.value : undefined!;
    await handle.db.update(quizPosts).set({ questionKey: `builtin:${post.question.id}`, question: post.question as never, choiceOrder: post.question.choices.map((_, i) => i) }).where(eq(quizPosts.id, repeat.id));
    const right = post.question.choices.indexOf(post.question.answer);
    expect(await quiz.answer(guildId, repeat.id, ann, right)).toMatchObject({ ok: true, value: { correct: true, points: 0, scored: false } });
  });

  it('counts an answer that raced a close, or refuses it: never a closed post that changes after its reveal', async () => {
    for (let round = 0; round < 5; round++) {
      const asked = await quiz.ask(guildId, channel(), ann, {});
      const post = asked.ok ? asked.value : undefined!;
      const [answered, closed] = await Promise.all([quiz.answer(guildId, post.id, bob, 0), quiz.close(guildId, post.id)]);
      const final = await quiz.post(guildId, post.id);
      // The reveal shows what the database holds after both: an accepted answer is in it.
      expect(closed?.answers).toBe(final?.answers);
      expect(final?.answers).toBe(answered.ok ? 1 : 0);
    }
  });

  it('shows a review already open again instead of scoring one card twice', async () => {
    const asked = await quiz.ask(guildId, channel(), ann, { topic: 'nlp' });
    const post = asked.ok ? asked.value : undefined!;
    await quiz.answer(guildId, post.id, ann, post.buttons.findIndex((choice) => choice !== post.question.answer));
    now = new Date(now.getTime() + DAY);
    const first = await quiz.review(guildId, ann);
    const second = await quiz.review(guildId, ann);
    expect(first.ok && second.ok && second.value.post.id).toBe(first.ok && first.value.post.id);
  });

  it('closes early by a moderator, and only in its own server', async () => {
    const asked = await quiz.ask(guildId, channel(), ann, {});
    const post = asked.ok ? asked.value : undefined!;
    expect(await quiz.close('another-server', post.id)).toBeUndefined();
    expect(await quiz.close(guildId, post.id)).toMatchObject({ id: post.id, closedAt: now });
  });

  it('brings a missed question back the next day, first in /quiz ask and in the review', async () => {
    const asked = await quiz.ask(guildId, channel(), ann, { topic: 'nlp' });
    const post = asked.ok ? asked.value : undefined!;
    const wrong = post.buttons.findIndex((choice) => choice !== post.question.answer);
    const answered = await quiz.answer(guildId, post.id, ann, wrong);
    expect(answered.ok && answered.value.nextDue.getTime() - now.getTime()).toBe(DAY);

    expect(await quiz.review(guildId, ann)).toMatchObject({ ok: false, reason: { kind: 'nothing-due', nextDue: new Date(now.getTime() + DAY) } });
    now = new Date(now.getTime() + DAY);
    const next = await quiz.ask(guildId, channel(), ann, {});
    expect(next.ok && next.value.question.id).toBe(post.question.id);
    const review = await quiz.review(guildId, ann);
    expect(review).toMatchObject({ ok: true, value: { due: 1, post: { kind: 'review', askedBy: ann.id } } });
    const reviewPost = review.ok ? review.value.post : undefined!;
    expect(reviewPost.question.id).toBe(post.question.id);
    // A review is its member's: another member's click is refused, the owner's answer closes it.
    expect(await quiz.answer(guildId, reviewPost.id, bob, 0)).toMatchObject({ ok: false, reason: { kind: 'not-yours' } });
    const right = await quiz.answer(guildId, reviewPost.id, ann, reviewPost.answerPosition);
    expect(right).toMatchObject({ ok: true, value: { correct: true, post: { closedAt: now } } });
    // Right after a lapse the interval grows again: not due tomorrow any more, nothing left to review.
    expect(right.ok && right.value.nextDue.getTime()).toBeGreaterThan(now.getTime() + DAY);
    expect(await quiz.review(guildId, ann)).toMatchObject({ ok: false, reason: { kind: 'nothing-due' } });
  });

  it("serves a new member's weakest area: the one answered wrong before", async () => {
    for (let round = 0; round < 3; round++) {
      const asked = await quiz.ask(guildId, channel(), bob, { topic: 'time-series' });
      const post = asked.ok ? asked.value : undefined!;
      await quiz.answer(guildId, post.id, bob, post.buttons.findIndex((choice) => choice !== post.question.answer));
    }
    const served = await quiz.ask(guildId, channel(), bob, {});
    expect(served.ok && served.value.question.topic).toBe('time-series');
  });

  it('counts the streak in local days of the server\'s timezone', async () => {
    await settings.update(guildId, { timezone: 'America/New_York' });
    const answerOne = async () => {
      const asked = await quiz.ask(guildId, channel(), ann, {});
      const post = asked.ok ? asked.value : undefined!;
      const answered = await quiz.answer(guildId, post.id, ann, 0);
      return answered.ok ? answered.value.streak : -1;
    };
    // 23:30 and 00:30 in New York are two local days, though the same UTC day.
    now = new Date('2026-11-30T04:30:00Z'); // 23:30 on the 29th in New York
    expect(await answerOne()).toBe(1);
    now = new Date('2026-11-30T05:30:00Z'); // 00:30 on the 30th
    expect(await answerOne()).toBe(2);
    now = new Date('2026-11-30T20:00:00Z'); // later the same local day
    expect(await answerOne()).toBe(2);
    now = new Date('2026-12-02T20:00:00Z'); // a whole local day missed
    expect(await answerOne()).toBe(1);
  });

  it('edits the shown count at most once per interval', async () => {
    const asked = await quiz.ask(guildId, channel(), ann, {});
    const post = asked.ok ? asked.value : undefined!;
    expect(await quiz.claimCountEdit(post.id, 2_000)).toBeUndefined(); // nothing new to show
    await quiz.answer(guildId, post.id, ann, 0);
    expect(await quiz.claimCountEdit(post.id, 2_000)).toMatchObject({ answers: 1 });
    await quiz.answer(guildId, post.id, bob, 0);
    expect(await quiz.claimCountEdit(post.id, 2_000)).toBeUndefined();
    expect(await quiz.postsWithStaleCounts()).toContain(post.id);
    now = new Date(now.getTime() + 2_000);
    const [one, two] = await Promise.all([quiz.claimCountEdit(post.id, 2_000), quiz.claimCountEdit(post.id, 2_000)]);
    expect([one, two].filter(Boolean)).toEqual([expect.objectContaining({ answers: 2 })]);
    expect(await quiz.postsWithStaleCounts()).not.toContain(post.id);
  });

  it('serves an imported bank in its own server only, and nothing from a bank switched off', async () => {
    const imported = await banks.import(guildId, bankFile(['club-one', 'club-two']), { importedBy: 'mod' });
    expect(imported).toMatchObject({ ok: true, value: { replaced: false, bank: { name: 'club', questions: 2, enabled: true } } });
    await banks.setEnabled(guildId, 'builtin', false);
    const here = await quiz.ask(guildId, channel(), ann, {});
    expect(here.ok && here.value.question.id).toMatch(/^club-/);
    // Another server sees only the built-in bank.
    const elsewhere = await banks.candidates(`${guildId}-other`);
    expect(elsewhere.every((c) => c.key.startsWith('builtin:'))).toBe(true);
    expect(await banks.question(`${guildId}-other`, here.ok ? `bank${imported.ok && imported.value.bank.prefix.slice(4)}:club-one` : '')).toBeUndefined();

    const prefix = imported.ok ? imported.value.bank.prefix : '';
    await banks.setEnabled(guildId, prefix, false);
    expect(await quiz.ask(guildId, channel(), ann, {})).toEqual({ ok: false, reason: { kind: 'no-questions', filter: {}, banksOn: 0 } });
  });

  it('imports nothing from a file with a bad row, and replaces a bank imported again under its name', async () => {
    const good = await banks.import(guildId, bankFile(['club-one']), { importedBy: 'mod', name: 'Club' });
    expect(good.ok).toBe(true);
    const bad = bankFile(['club-two', 'Bad_Id']);
    const refused = await banks.import(guildId, bad, { importedBy: 'mod', name: 'Club' });
    expect(refused).toMatchObject({ ok: false, reason: { kind: 'invalid-file' } });
    expect((await banks.banks(guildId)).find((b) => b.name === 'Club')).toMatchObject({ questions: 1 });
    const replaced = await banks.import(guildId, bankFile(['club-two', 'club-three']), { importedBy: 'mod', name: 'club' });
    expect(replaced).toMatchObject({ ok: true, value: { replaced: true, bank: { questions: 2 } } });
    expect(await banks.candidates(guildId, { difficulty: 'hard', topic: 'nlp' })).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: expect.stringMatching(/^bank\d+:club-two$/) })]),
    );
    expect((await banks.candidates(guildId)).some((c) => c.key.endsWith(':club-one'))).toBe(false);
  });

  it('refuses a bank name with a mention and the built-in bank\'s name', async () => {
    expect(await banks.import(guildId, bankFile(['x-one']), { importedBy: 'mod', name: 'hi @everyone' })).toMatchObject({
      ok: false,
      reason: { kind: 'invalid-name' },
    });
    expect(await banks.import(guildId, bankFile(['x-one']), { importedBy: 'mod', name: 'Built-in' })).toMatchObject({ ok: false });
    expect(await banks.import(guildId, bankFile(['x-one']), { importedBy: 'mod', name: '[Docs](https://evil.example)' })).toMatchObject({
      ok: false,
      reason: { kind: 'invalid-name', problems: ['The bank name holds a link; a name is plain text.'] },
    });
    expect(await banks.banks(guildId)).toHaveLength(1);
  });

  it('posts the daily question the server has gone longest without, once per slot', async () => {
    await banks.import(guildId, bankFile(['club-one', 'club-two']), { importedBy: 'mod' });
    await banks.setEnabled(guildId, 'builtin', false);
    const first = await quiz.daily(guildId, 'announcements', '2026-11-30');
    // The same slot again (a retry after a crash) is the same post, not a second question.
    expect((await quiz.daily(guildId, 'announcements', '2026-11-30'))?.id).toBe(first?.id);
    now = new Date(now.getTime() + DAY);
    const second = await quiz.daily(guildId, 'announcements', '2026-12-01');
    now = new Date(now.getTime() + DAY);
    const third = await quiz.daily(guildId, 'announcements', '2026-12-02');
    expect(first?.kind).toBe('daily');
    expect(new Set([first?.question.id, second?.question.id])).toEqual(new Set(['club-one', 'club-two']));
    expect(third?.question.id).toBe(first?.question.id);
  });
});
