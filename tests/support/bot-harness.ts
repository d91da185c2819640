// Starts the real bot (startApp, what `npm start` runs) against the fake Discord on PGlite, with
// the slash commands registered through the real deploy code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { startApp, type App, type StartOptions } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { loadCommands } from '../../src/bot/command-loader.ts';
import { deployCommands } from '../../src/bot/deploy.ts';
import { createLogger, silentLogger, type Logger } from '../../src/log.ts';
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions, type FakeMember } from './fake-discord/index.ts';
import { pgliteSnapshot } from './db.ts';

export type BotHarness = {
  fake: FakeDiscord;
  app: App;
  /** Stops the bot and starts it again on the same storage (needs `persistent`). */
  restart(): Promise<void>;
  guildId: string;
  moderator: FakeMember;
  student: FakeMember;
  stop(): Promise<void>;
};

export async function startBotHarness(
  options: {
    fake?: FakeDiscordOptions;
    start?: StartOptions;
    env?: Record<string, string>;
    logger?: Logger;
    /** PGlite on disk in the harness's DATA_DIR (survives restart()) instead of in memory. */
    persistent?: boolean;
    /** Arranges the fake's world before the bot connects (roles of the bot's member, say). */
    beforeStart?(fake: FakeDiscord): void;
  } = {},
): Promise<BotHarness> {
  const fake = await startFakeDiscord({ guilds: [{ name: 'TF study group' }], ...options.fake });
  const dataDir = mkdtempSync(join(tmpdir(), 'tsb-e2e-'));
  const config = parseConfig(
    // One grading worker: tests that grade ask for what they need; the others should not pay for two.
    { DISCORD_TOKEN: 'fake-bot-token', DISCORD_API_URL: fake.apiUrl, DATA_DIR: dataDir, LOG_LEVEL: 'silent', GRADER_WORKERS: '1', ...options.env },
    { discordToken: true },
  );
  const guildId = fake.guild().id;
  options.beforeStart?.(fake);
  await deployCommands((await loadCommands(options.start?.commandsDir)).values(), {
    token: config.discordToken!,
    apiUrl: config.discordApiUrl,
    guildId,
  });
  // TEST_LOG=debug shows the bot's own log while debugging a test.
  const logger = options.logger ?? (process.env.TEST_LOG ? createLogger(process.env.TEST_LOG) : silentLogger);
  const startOptions: StartOptions = options.persistent
    ? { ...options.start }
    : { inMemoryDatabase: true, loadDataDir: pgliteSnapshot(), ...options.start };
  const harness: BotHarness = {
    fake,
    app: await startApp(config, logger, startOptions),
    guildId,
    moderator: fake.member({ guildId, username: 'mod', permissions: PermissionFlagsBits.ManageGuild | PermissionFlagsBits.SendMessages }),
    student: fake.member({ guildId, username: 'student', permissions: PermissionFlagsBits.SendMessages }),
    async restart() {
      await harness.app.stop();
      harness.app = await startApp(config, logger, startOptions);
    },
    async stop() {
      // The client goes before the fake (see the fake's docs).
      await harness.app.stop();
      await fake.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** A server where the bot may manage the role below its own: the one it gives the week's winners. */
export const GUILD_WITH_WINNER_ROLE = {
  name: 'Study group',
  roles: [
    { name: 'Study bot', permissions: PermissionFlagsBits.ManageRoles | PermissionFlagsBits.SendMessages, position: 2 },
    { name: 'Winner of the week', position: 1 },
  ],
};

/** The id of the fake server's role with this name. */
export function roleId(bot: BotHarness, name: string): string {
  const role = [...bot.fake.guild().roles.values()].find((r) => r.name === name);
  if (!role) throw new Error(`no role "${name}"`);
  return role.id as string;
}
