// Reads every command file in commands/. A file that lacks `data`, `requirements` or `execute`, or
// whose registration disagrees with its requirements, stops the start with its name, rather than
// leaving a command that Discord shows but nothing answers (or answers differently).
import { OperatorError } from '../operator-error.ts';
import { readdir } from 'node:fs/promises';
import { InteractionContextType } from 'discord.js';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CommandModule } from './command.ts';

export const COMMANDS_DIR = resolve(fileURLToPath(new URL('../../commands', import.meta.url)));

export class CommandLoadError extends OperatorError {
  override name = 'CommandLoadError';

  constructor(readonly problems: string[]) {
    super(`Cannot load the commands:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const COMMAND_FILE = /\.(ts|js|mjs)$/;

/** What is wrong with a module as a command, or nothing. */
function problemsOf(mod: Partial<CommandModule> | undefined): string[] {
  if (!mod) return ['does not export a default command (end the file with `export default { ... } satisfies CommandModule`)'];
  const missing: string[] = [];
  if (!mod.data || typeof mod.data.toJSON !== 'function' || typeof mod.data.name !== 'string') missing.push('data');
  if (typeof mod.execute !== 'function') missing.push('execute');
  if (typeof mod.requirements?.guildOnly !== 'boolean') missing.push('requirements');
  if (missing.length > 0) return [`does not export ${missing.join(' and ')}`];
  // What Discord shows must match what the router enforces.
  const json = mod.data!.toJSON();
  const problems: string[] = [];
  const guildOnlyRegistered = JSON.stringify(json.contexts ?? null) === JSON.stringify([InteractionContextType.Guild]);
  if (guildOnlyRegistered !== mod.requirements!.guildOnly) {
    problems.push(`registers contexts ${JSON.stringify(json.contexts ?? 'unset')} but requirements.guildOnly is ${mod.requirements!.guildOnly}`);
  }
  const registeredPermissions = json.default_member_permissions ?? null;
  const declaredPermissions = mod.requirements!.permissions?.toString() ?? null;
  if (registeredPermissions !== declaredPermissions) {
    problems.push(`registers default member permissions ${registeredPermissions} but requirements.permissions is ${declaredPermissions}`);
  }
  return problems;
}

export async function loadCommands(dir: string = COMMANDS_DIR): Promise<Map<string, CommandModule>> {
  const files = (await readdir(dir)).filter((f) => COMMAND_FILE.test(f) && !f.endsWith('.d.ts')).sort();
  const commands = new Map<string, CommandModule>();
  const problems: string[] = [];
  for (const file of files) {
    const mod = ((await import(pathToFileURL(join(dir, file)).href)) as { default?: Partial<CommandModule> }).default;
    const fileProblems = problemsOf(mod);
    if (fileProblems.length > 0) {
      problems.push(...fileProblems.map((p) => `commands/${file} ${p}`));
      continue;
    }
    const command = mod as CommandModule;
    const name = command.data.name;
    if (commands.has(name)) {
      problems.push(`commands/${file} defines /${name}, which another file already defines`);
      continue;
    }
    commands.set(name, command);
  }
  if (problems.length > 0) throw new CommandLoadError(problems);
  return commands;
}
