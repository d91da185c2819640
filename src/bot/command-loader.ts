// Reads every command file in commands/. A file that lacks `data` or `execute` stops the start
// with its name, rather than leaving a command that Discord shows but nothing answers.
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CommandModule } from './command.ts';

export const COMMANDS_DIR = resolve(fileURLToPath(new URL('../../commands', import.meta.url)));

export class CommandLoadError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cannot load the commands:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CommandLoadError';
  }
}

const COMMAND_FILE = /\.(ts|js|mjs)$/;

export async function loadCommands(dir: string = COMMANDS_DIR): Promise<Map<string, CommandModule>> {
  const files = (await readdir(dir)).filter((f) => COMMAND_FILE.test(f) && !f.endsWith('.d.ts')).sort();
  const commands = new Map<string, CommandModule>();
  const problems: string[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Partial<CommandModule>;
    const missing: string[] = [];
    if (!mod.data || typeof mod.data.toJSON !== 'function' || typeof mod.data.name !== 'string') missing.push('data');
    if (typeof mod.execute !== 'function') missing.push('execute');
    if (missing.length > 0) {
      problems.push(`commands/${file} does not export ${missing.join(' and ')}`);
      continue;
    }
    const name = mod.data!.name;
    if (commands.has(name)) {
      problems.push(`commands/${file} defines /${name}, which another file already defines`);
      continue;
    }
    commands.set(name, mod as CommandModule);
  }
  if (problems.length > 0) throw new CommandLoadError(problems);
  return commands;
}
