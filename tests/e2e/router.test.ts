import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { resolve } from 'node:path';
import { loadCommands, CommandLoadError } from '../../src/bot/command-loader.ts';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';

const EPHEMERAL = 1 << 6;

describe('the command loader', () => {
  it('loads every command of commands/', async () => {
    const commands = await loadCommands();
    expect([...commands.keys()].sort()).toEqual(['config', 'grade', 'leaderboard', 'mockexam', 'privacy', 'problems', 'tip']);
  });

  it('refuses a command file without execute, naming the file', async () => {
    const error = await loadCommands(resolve(import.meta.dirname, '../support/commands-broken')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandLoadError);
    expect((error as Error).message).toContain('commands/no-execute.ts does not export execute');
  });
});

describe('the interaction router', () => {
  let bot: BotHarness;
  const logLines: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        for (const line of String(chunk).trim().split('\n')) logLines.push(JSON.parse(line) as Record<string, unknown>);
        callback();
      },
    });
    bot = await startBotHarness({
      start: { commandsDir: resolve(import.meta.dirname, '../support/commands-throwing') },
      logger: pino({ level: 'error' }, sink),
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
});
