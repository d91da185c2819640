// A slot runs once across processes: the insert decides, an expired claim is taken over once, and
// a skipped slot is recorded once. Both engines; on PostgreSQL the claims race on separate
// connections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { RunClaims } from '../../src/jobs/run-claims.ts';
import { openTestDatabase, testEngines } from '../support/db.ts';

describe.each(testEngines)('RunClaims on %s', (engine) => {
  let handle: DatabaseHandle;
  let now = new Date('2026-12-01T08:00:00Z');
  const clock = () => now;
  const claimsOf = (owner: string) => new RunClaims(handle.db, clock, owner, 120_000);
  let n = 0;
  const key = () => ({ job: 'daily-tip', scope: `g-${engine}`, slot: `slot-${++n}` });

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
  });
  afterAll(async () => handle?.close());

  it('lets exactly one of many racing processes claim a slot', async () => {
    const slot = key();
    const owners = Array.from({ length: 12 }, (_, i) => claimsOf(`p${i}`));
    const claims = await Promise.all(owners.map((owner) => owner.claim(slot, now)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('is not claimed again once sent', async () => {
    const slot = key();
    const a = claimsOf('a');
    const claim = (await a.claim(slot, now))!;
    await a.complete(claim, { messageId: 'm1', delayed: false });
    now = new Date(now.getTime() + 10 * 60_000);
    expect(await claimsOf('b').claim(slot, now)).toBeUndefined();
    expect((await a.latest(slot.scope, ['daily-tip'])).get('daily-tip')).toMatchObject({ slot: slot.slot, status: 'sent', messageId: 'm1' });
  });

  it('takes over a claim whose process died, after its lease, once; then gives the slot up', async () => {
    const slot = key();
    const dueAt = now;
    expect(await claimsOf('dead').claim(slot, dueAt)).toMatchObject({ takeover: false });
    expect(await claimsOf('b').claim(slot, dueAt)).toBeUndefined(); // the lease still runs
    now = new Date(now.getTime() + 121_000);
    const b = claimsOf('b');
    expect(await b.claim(slot, dueAt)).toMatchObject({ takeover: true, dueAt });
    // The late first process cannot complete what b now holds.
    await claimsOf('dead').complete({ ...slot, dueAt, takeover: false }, { delayed: false });
    expect((await b.latest(slot.scope, ['daily-tip'])).get('daily-tip')).toMatchObject({ status: 'claimed', claimedBy: 'b' });
    // b dies too: after the lease the slot fails, with the reason, and nobody runs it again.
    now = new Date(now.getTime() + 121_000);
    expect(await claimsOf('c').claim(slot, dueAt)).toBeUndefined();
    expect((await b.latest(slot.scope, ['daily-tip'])).get('daily-tip')).toMatchObject({ status: 'failed', reason: expect.stringContaining('stopped twice') });
  });

  it('does not take over a claim that was sending longer ago than Discord keeps a nonce', async () => {
    const slot = key();
    const dying = claimsOf('dying');
    const claim = (await dying.claim(slot, now))!;
    await dying.markSending(claim);
    now = new Date(now.getTime() + 10 * 60_000);
    expect(await claimsOf('b').claim(slot, now)).toBeUndefined();
    expect((await dying.latest(slot.scope, ['daily-tip'])).get('daily-tip')).toMatchObject({ status: 'failed', reason: expect.stringContaining('look in the channel') });
  });

  it('records a skipped slot once', async () => {
    const slot = key();
    const [first, second] = await Promise.all([claimsOf('a').skip(slot, now, 'missed'), claimsOf('b').skip(slot, now, 'missed')]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    expect(await claimsOf('c').claim(slot, now)).toBeUndefined();
  });

  it('elects one process per cron tick for node-cron', async () => {
    const tick = `scheduled-posts:${now.toISOString()}`;
    const runs = await Promise.all(['a', 'b', 'c'].map((owner) => claimsOf(owner).cronCoordinator().shouldRun(tick, 30_000)));
    expect(runs.filter(Boolean)).toHaveLength(1);
    await claimsOf('a').prune(new Date(now.getTime() + 1), new Date(0));
    expect(await claimsOf('d').cronCoordinator().shouldRun(tick, 30_000)).toBe(true);
  });
});
