// A gateway connection that drops during a burst: the bot resumes its session (no new IDENTIFY),
// the interactions dispatched just before the drop that it had not read are replayed once, and
// every interaction is answered exactly once (the fake refuses a second acknowledgement).
import { Events } from 'discord.js';
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import type { InteractionHandle } from '../support/fake-discord/index.ts';

let bot: BotHarness;
beforeAll(async () => {
  bot = await startBotHarness();
});
afterAll(async () => bot?.stop());

describe('a gateway disconnect during a burst', () => {
  it('resumes the session and answers every interaction once', async () => {
    const members = Array.from({ length: 10 }, (_, i) => bot.fake.member({ guildId: bot.guildId, username: `burst-${i}`, permissions: PermissionFlagsBits.SendMessages }));
    const tip = (i: number) => bot.fake.slashCommand({ name: 'tip', subcommand: 'show', member: members[i % members.length] });
    const resumed = new Promise<void>((resolve) => bot.app.client.once(Events.ShardResume, () => resolve()));
    let identifiedAgain = false;
    bot.app.client.once(Events.ShardReady, () => (identifiedAgain = true));

    const before: InteractionHandle[] = await Promise.all(Array.from({ length: 20 }, (_, i) => tip(i)));
    // Dropped in the same tick as the dispatches: some of them are still unread by the bot.
    bot.fake.dropGatewayConnections();
    await resumed;
    const after = await Promise.all(Array.from({ length: 20 }, (_, i) => tip(20 + i)));

    for (const handle of [...before, ...after]) {
      const response = await handle.response(15_000);
      expect(response.type).toBe(4);
    }
    // A replayed interaction acknowledged a second time would be a violation ("acknowledged twice").
    expect(bot.fake.takeViolations()).toEqual([]);
    expect(identifiedAgain).toBe(false);
  });
});
