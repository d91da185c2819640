// PostgreSQL goes away in the middle of a burst of commands and comes back (a TCP proxy between the
// bot and the database is cut, then restored): every interaction gets an answer or an apology,
// nothing is recorded twice, and the bot serves again without a restart.
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tipRotation } from '../../src/db/schema.ts';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import type { InteractionHandle } from '../support/fake-discord/index.ts';
import { databaseBehindProxy, type TcpProxy } from '../support/tcp-proxy.ts';

describe.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL restarted during a burst', () => {
  let bot: BotHarness;
  let proxy: TcpProxy;
  let database: Awaited<ReturnType<typeof databaseBehindProxy>>;

  beforeAll(async () => {
    database = await databaseBehindProxy();
    proxy = database.proxy;
    bot = await startBotHarness({ env: { DATABASE_URL: database.url } });
  });
  afterAll(async () => {
    proxy?.restore();
    await bot?.stop();
    await database?.close();
  });

  it('answers or apologises to every interaction, records nothing twice, and recovers by itself', { timeout: 120_000 }, async () => {
    const members = Array.from({ length: 30 }, (_, i) => bot.fake.member({ guildId: bot.guildId, username: `burst-${i}`, permissions: PermissionFlagsBits.SendMessages }));
    const tip = (i: number) => bot.fake.slashCommand({ name: 'tip', subcommand: 'show', member: members[i] });
    const outcome = async (handle: InteractionHandle) => {
      const response = await handle.response(15_000);
      const data = response.data as { embeds?: unknown[]; content?: string } | undefined;
      if (data?.embeds?.length) return 'tip';
      const apology = /^(The bot could not answer in time|Something went wrong \(ref )/.test(data?.content ?? '');
      return apology ? 'apology' : `other: ${JSON.stringify(response)}`;
    };

    const before = await Promise.all(Array.from({ length: 10 }, (_, i) => tip(i)));
    proxy.cut();
    const during = await Promise.all(Array.from({ length: 10 }, (_, i) => tip(10 + i)));
    const duringOutcomes = await Promise.all(during.map(outcome));
    proxy.restore();
    const beforeOutcomes = await Promise.all(before.map(outcome));
    expect([...beforeOutcomes, ...duringOutcomes].filter((o) => o !== 'tip' && o !== 'apology')).toEqual([]);
    expect(duringOutcomes).toContain('apology');

    // Back without a restart: once a command gets a tip again (the connections come back within
    // moments), a burst is answered with tips.
    let recovered = false;
    for (let attempt = 0; attempt < 20 && !recovered; attempt++) recovered = (await outcome(await tip(attempt % 10))) === 'tip';
    expect(recovered).toBe(true);
    const after = await Promise.all(Array.from({ length: 10 }, (_, i) => tip(20 + i)));
    expect(await Promise.all(after.map(outcome))).toEqual(Array(10).fill('tip'));
    // Each tip shown was recorded once in the rotation (a tip answered is a row; no duplicates).
    const rows = await bot.app.database.db.select().from(tipRotation);
    expect(new Set(rows.map((r) => `${r.guildId}:${r.topic}:${r.tipId}`)).size).toBe(rows.length);
    // Interactions were answered in time, or the apology came in time: nothing left unacknowledged.
    expect(bot.fake.takeViolations()).toEqual([]);
  });
});
