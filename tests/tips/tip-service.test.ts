import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { TipService, type TipSource } from '../../src/tips/tip-service.ts';
import { openTestDatabase, testEngines } from '../support/db.ts';

const source: TipSource = {
  topics: [
    { id: 'nlp', name: 'Natural language processing' },
    { id: 'time-series', name: 'Time series' },
  ],
  tips: [
    { id: 'n1', title: 'N1', body: 'b', topic: 'nlp', skill: 'nlp.a' },
    { id: 'n2', title: 'N2', body: 'b', topic: 'nlp', skill: 'nlp.a' },
    { id: 'n3', title: 'N3', body: 'b', topic: 'nlp', skill: 'nlp.a', snippet: 'x = 1' },
    { id: 't1', title: 'T1', body: 'b', topic: 'time-series', skill: 'ts.a' },
    { id: 't2', title: 'T2', body: 'b', topic: 'time-series', skill: 'ts.a' },
  ],
};

describe.each(testEngines)('TipService on %s', (engine) => {
  let handle: DatabaseHandle;
  let tips: TipService;
  beforeAll(async () => {
    handle = await openTestDatabase(engine);
        // Time moves on between two /tip uses: each reading of the clock is a minute later.
    let minutes = 0;
    tips = new TipService(handle.db, source, () => new Date(Date.UTC(2026, 10, 30, 9, minutes++)));
  });
  afterAll(async () => handle.close());

  it('shows every tip of a topic once before any repeats, and does not start a round with the last one', async () => {
    const guild = 'g-rotation';
    const firstRound = [];
    for (let i = 0; i < 3; i++) firstRound.push((await tips.nextTip(guild, 'nlp'))!.id);
    expect(new Set(firstRound)).toEqual(new Set(['n1', 'n2', 'n3']));
    const next = await tips.nextTip(guild, 'nlp');
    expect(next!.topic).toBe('nlp');
    expect(next!.id).not.toBe(firstRound[2]);
    // The second round again covers the topic before repeating.
    const secondRound = [next!.id];
    for (let i = 0; i < 2; i++) secondRound.push((await tips.nextTip(guild, 'nlp'))!.id);
    expect(new Set(secondRound)).toEqual(new Set(['n1', 'n2', 'n3']));
  });

  it('keeps rotations apart per server', async () => {
    const seenA = new Set<string>();
    for (let i = 0; i < 2; i++) seenA.add((await tips.nextTip('g-a', 'time-series'))!.id);
    expect(seenA).toEqual(new Set(['t1', 't2']));
    const seenB = new Set<string>();
    for (let i = 0; i < 2; i++) seenB.add((await tips.nextTip('g-b', 'time-series'))!.id);
    expect(seenB).toEqual(new Set(['t1', 't2']));
  });

  it('without a topic, covers all tips of all topics before repeating', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) seen.push((await tips.nextTip('g-all'))!.id);
    expect(new Set(seen).size).toBe(5);
  });

  it('answers nothing for an unknown topic', async () => {
    expect(await tips.nextTip('g-x', 'cooking')).toBeUndefined();
  });

  it('keeps a proposal pending until a moderator approves it, then adds it to that server only', async () => {
    const author = { id: 'u-ada', name: 'Ada' };
    const proposed = await tips.propose('g-community', author, {
      topic: 'time-series',
      title: 'Use Huber loss',
      body: 'Huber is less sensitive to outliers than MSE.',
      snippet: 'model.compile(loss=tf.keras.losses.Huber())',
    });
    expect(proposed.ok).toBe(true);
    if (!proposed.ok) return;
    const pending = await tips.pending('g-community');
    expect(pending.total).toBe(1);
    expect(pending.proposals[0].title).toBe('Use Huber loss');

    // Pending tips are not shown.
    const beforeApproval = new Set<string>();
    for (let i = 0; i < 4; i++) beforeApproval.add((await tips.nextTip('g-community', 'time-series'))!.id);
    expect(beforeApproval).toEqual(new Set(['t1', 't2']));

    const reviewed = await tips.review('g-community', proposed.value.id, 'u-mod', 'approved');
    expect(reviewed.ok).toBe(true);
    const again = await tips.review('g-community', proposed.value.id, 'u-mod', 'rejected');
    expect(again).toMatchObject({ ok: false, reason: { kind: 'already-reviewed' } });
    expect((await tips.pending('g-community')).total).toBe(0);

    const afterApproval = [];
    for (let i = 0; i < 3; i++) afterApproval.push((await tips.nextTip('g-community', 'time-series'))!);
    const community = afterApproval.find((t) => t.author);
    expect(community).toMatchObject({ title: 'Use Huber loss', author: author, topicName: 'Time series' });

    // Another server never sees it.
    for (let i = 0; i < 4; i++) expect((await tips.nextTip('g-other', 'time-series'))!.author).toBeUndefined();
    // A moderator of another server cannot review it.
    expect(await tips.review('g-other', proposed.value.id, 'u-mod', 'rejected')).toMatchObject({ ok: false, reason: { kind: 'not-found' } });
  });

  it('refuses a proposal that would break the embed, with every problem listed', async () => {
    const result = await tips.propose('g-bad', { id: 'u', name: 'U' }, { topic: 'cooking', title: '  ', body: 'x'.repeat(1600) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason.join('\n')).toMatch(/cooking/);
    expect(result.reason.length).toBeGreaterThanOrEqual(3);
    expect((await tips.pending('g-bad')).total).toBe(0);
  });

  it('hands out distinct tips to concurrent requests in one round', async () => {
    const results = await Promise.all([1, 2, 3].map(() => tips.nextTip('g-race', 'nlp')));
    expect(new Set(results.map((t) => t!.id)).size).toBe(3);
  });

  it('answers every one of a crowd of concurrent requests, each round covering the topic before the next', async () => {
    // Seven at once on a topic of three: two full rounds and one pick of a third, whichever
    // requests took the lock-free way and whichever the server's lock.
    const results = await Promise.all(Array.from({ length: 7 }, () => tips.nextTip('g-crowd', 'nlp')));
    const times = new Map<string, number>();
    for (const tip of results) times.set(tip!.id, (times.get(tip!.id) ?? 0) + 1);
    expect([...times.keys()].sort()).toEqual(['n1', 'n2', 'n3']);
    expect([...times.values()].sort()).toEqual([2, 2, 3]);
  });

  it('picks most of a round without the lock and its last eight under it, still covering the topic', async () => {
    const many: TipSource = {
      topics: [{ id: 'cv', name: 'Computer vision' }],
      tips: Array.from({ length: 20 }, (_, i) => ({ id: `c${i}`, title: `C${i}`, body: 'b', topic: 'cv', skill: 'cv.a' })),
    };
    let transactions = 0;
    const counted = new Proxy(handle.db, {
      get(target, key, receiver) {
        if (key === 'transaction') transactions += 1;
        return Reflect.get(target, key, receiver);
      },
    });
    let minutes = 0;
    const service = new TipService(counted, many, () => new Date(Date.UTC(2026, 10, 30, 9, minutes++)));
    const round: string[] = [];
    for (let i = 0; i < 20; i++) round.push((await service.nextTip('g-many', 'cv'))!.id);
    expect(new Set(round).size).toBe(20);
    expect(transactions).toBe(8);
    // The next round starts under the lock, and not with the tip that ended the last one.
    expect((await service.nextTip('g-many', 'cv'))!.id).not.toBe(round[19]);
    expect(transactions).toBe(9);
  });
});
