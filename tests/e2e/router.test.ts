import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadCommands, CommandLoadError } from '../../src/bot/command-loader.ts';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { recordingLogger } from '../support/recording-logger.ts';

const EPHEMERAL = 1 << 6;

describe('the command loader', () => {
  it('loads every command of commands/', async () => {
    const commands = await loadCommands();
    expect([...commands.keys()].sort()).toEqual(['config', 'exam', 'grade', 'leaderboard', 'mockexam', 'privacy', 'problems', 'progress', 'quiz', 'remind', 'tip']);
  });

  it('registers every command as Discord will enforce it: server-only where required, default permissions as declared', async () => {
    for (const command of (await loadCommands()).values()) {
      const json = command.data.toJSON();
      expect({ name: json.name, contexts: json.contexts }).toEqual({ name: json.name, contexts: command.requirements.guildOnly ? [0] : [0, 1, 2] });
      expect(json.default_member_permissions ?? null).toBe(command.requirements.permissions?.toString() ?? null);
      expect(json.dm_permission).toBeUndefined();
    }
  });

  it('refuses a command whose registration disagrees with its requirements, naming the file', async () => {
    const error = await loadCommands(resolve(import.meta.dirname, '../support/commands-mismatch')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandLoadError);
    expect((error as Error).message).toContain('commands/loose.ts registers contexts "unset" but requirements.guildOnly is true');
    expect((error as Error).message).toContain('commands/loose.ts registers default member permissions null but requirements.permissions is 32');
  });

  it('refuses a command file without execute, naming the file', async () => {
    const error = await loadCommands(resolve(import.meta.dirname, '../support/commands-broken')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandLoadError);
    expect((error as Error).message).toContain('commands/no-execute.ts does not export execute');
  });
});

describe('the interaction router', () => {
  let bot: BotHarness;
  const { logger, lines: logLines } = recordingLogger('info');
  beforeAll(async () => {
    bot = await startBotHarness({
      start: { commandsDir: resolve(import.meta.dirname, '../support/commands-throwing') },
      logger,
    });
  });
  afterAll(async () => bot?.stop());

  it('turns a thrown error into an ephemeral message with a ref that is in the log, and keeps running', async () => {
    const boom = await bot.fake.slashCommand({ name: 'boom', member: bot.student });
    const answer = (await boom.response()).data as { content: string; flags: number };
    expect(answer.flags & EPHEMERAL).toBe(EPHEMERAL);
    const ref = /Something went wrong \(ref ([0-9A-F]{4})\)/.exec(answer.content)?.[1];
    expect(ref).toBeDefined();
    const logged = logLines.find((l) => l.ref === ref);
    expect(logged?.msg).toBe('interaction failed');
    expect(JSON.stringify(logged?.err)).toContain('the handler exploded');

    const ping = await bot.fake.slashCommand({ name: 'ping', member: bot.student });
    expect(((await ping.response()).data as { content: string }).content).toBe('pong');
    bot.fake.assertNoViolations();
  });

  it('shows a MemberError to the member as is, privately, with no ref; its details stay in the log', async () => {
    const refuse = await bot.fake.slashCommand({ name: 'refuse', member: bot.student });
    const answer = (await refuse.response()).data as { content: string; flags: number };
    expect(answer).toMatchObject({ content: 'Not today: come back on Monday.' });
    expect(answer.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(answer.content).not.toContain('ref');
    const logged = logLines.find((l) => l.msg === 'interaction refused' && l.code === 'not-today');
    expect(logged?.details).toEqual({ secret: 'for the log only' });
    bot.fake.assertNoViolations();
  });

  it('enforces permissions per subcommand, on the server side, with one wording', async () => {
    const refused = await bot.fake.slashCommand({ name: 'guarded', subcommand: 'admin', member: bot.student });
    const refusal = (await refused.response()).data as { content: string; flags: number };
    expect(refusal.content).toBe('/guarded admin needs the Manage Server permission.');
    expect(refusal.flags & EPHEMERAL).toBe(EPHEMERAL);
    const allowed = await bot.fake.slashCommand({ name: 'guarded', subcommand: 'admin', member: bot.moderator });
    expect(((await allowed.response()).data as { content: string }).content).toBe('admin ok');
    const open = await bot.fake.slashCommand({ name: 'guarded', subcommand: 'open', member: bot.student });
    expect(((await open.response()).data as { content: string }).content).toBe('open ok');
    bot.fake.assertNoViolations();
  });

  it('checks every button and modal of a command against its declared actions', async () => {
    const open = await bot.fake.slashCommand({ name: 'guarded', subcommand: 'open', member: bot.moderator });
    const message = await open.waitForMessage();
    const sneaky = await bot.fake.clickButton({ message, customId: 'guarded:approve', member: bot.student });
    expect(((await sneaky.response()).data as { content: string }).content).toBe('This button of /guarded needs the Manage Server permission.');
    const look = await bot.fake.clickButton({ message, customId: 'guarded:look', member: bot.student });
    expect(((await look.response()).data as { content: string }).content).toBe('look by student');
    const approve = await bot.fake.clickButton({ message, customId: 'guarded:approve', member: bot.moderator });
    expect(((await approve.response()).data as { content: string }).content).toBe('approve by mod');

    // A forged modal submit is checked too, and every missing permission is named.
    const forged = await bot.fake.submitModal({ customId: 'guarded:apply', member: bot.moderator, fields: { why: 'because' } });
    expect(((await forged.response()).data as { content: string }).content).toBe('This form of /guarded needs the Manage Roles permission.');
    const student = await bot.fake.submitModal({ customId: 'guarded:apply', member: bot.student, fields: { why: 'because' } });
    expect(((await student.response()).data as { content: string }).content).toBe(
      'This form of /guarded needs the Manage Server and Manage Roles permissions.',
    );
    bot.fake.assertNoViolations();
  });
});
