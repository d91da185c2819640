// `tf-study-bot <subcommand>`. Each subcommand lives in its own module and returns an exit code.
import { ConfigError } from '../config.ts';

type Subcommand = { describe: string; run(args: string[]): Promise<number> };

const SUBCOMMANDS: Record<string, () => Promise<Subcommand>> = {
  start: async () => (await import('./start.ts')).startCommand,
  'deploy-commands': async () => (await import('./deploy-commands.ts')).deployCommandsCommand,
  migrate: async () => (await import('./migrate.ts')).migrateCommand,
  grade: async () => (await import('./grade.ts')).gradeCommand,
  problems: async () => (await import('./problems.ts')).problemsCommand,
};

export function usage(): string {
  return [
    'usage: tf-study-bot <command> [options]',
    '',
    'commands:',
    '  start                      run the bot (needs DISCORD_TOKEN)',
    '  deploy-commands [--guild ID]  register the slash commands globally or in one server',
    '  migrate                    apply the database migrations and exit',
    '  grade --problem ID FILE... [--json]  grade a model file on an exam problem',
    '  problems [--json]          list the exam problems the grader knows',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const load = SUBCOMMANDS[name];
  if (!load) {
    console.error(`tf-study-bot: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await load()).run(args);
  } catch (error) {
    // Configuration and connection problems are the member's to fix: one message, no stack trace.
    if (error instanceof ConfigError || isUserFacing(error)) {
      console.error(`tf-study-bot ${name}: ${(error as Error).message}`);
      return 1;
    }
    if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`tf-study-bot ${name}: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}

const USER_FACING = new Set(['DatabaseConnectError', 'DataDirLockedError', 'CommandLoadError', 'KnowledgeBaseError']);

function isUserFacing(error: unknown): boolean {
  return error instanceof Error && USER_FACING.has(error.name);
}
