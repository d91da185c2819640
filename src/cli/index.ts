// `tf-study-bot <subcommand>`. Each subcommand lives in its own module and returns an exit code.
import { isLogLevel } from '../config.ts';
import { OperatorError } from '../operator-error.ts';
import { createLogger } from '../log.ts';
import { EXIT } from './exit-codes.ts';

type Subcommand = { describe: string; usage?: string; run(args: string[]): Promise<number> };

const SUBCOMMANDS: Record<string, () => Promise<Subcommand>> = {
  start: async () => (await import('./start.ts')).startCommand,
  'deploy-commands': async () => (await import('./deploy-commands.ts')).deployCommandsCommand,
  migrate: async () => (await import('./migrate.ts')).migrateCommand,
  grade: async () => (await import('./grade.ts')).gradeCommand,
  problems: async () => (await import('./problems.ts')).problemsCommand,
  datasets: async () => (await import('./datasets.ts')).datasetsCommand,
  questions: async () => (await import('./questions.ts')).questionsCommand,
  jobs: async () => (await import('./jobs.ts')).jobsCommand,
  worker: async () => (await import('./worker.ts')).workerCommand,
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
    '  datasets fetch             download every dataset into DATA_DIR ahead of time (for offline grading)',
    '  questions [--json] [--check FILE]  list the quiz questions, or check a question bank file',
    '  jobs run-due|list [--now ISO]  send the scheduled posts that are due and exit, or list them',
    '  worker [--concurrency N]   grade queued submissions from the PostgreSQL database (any host)',
    '',
    'exit codes:',
    `  ${EXIT.ok}  success`,
    `  ${EXIT.failure}  internal or environment error (configuration, storage, Discord, datasets)`,
    `  ${EXIT.misuse}  misuse: unknown command or option, missing argument or file`,
    `  ${EXIT.ungradable}  grade: the model cannot be graded`,
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? EXIT.ok : EXIT.misuse;
  }
  const load = SUBCOMMANDS[name];
  if (!load) {
    console.error(`tf-study-bot: unknown command "${name}"\n\n${usage()}`);
    return EXIT.misuse;
  }
  const subcommand = await load();
  if (args.includes('--help') || args.includes('-h')) {
    console.log(subcommand.usage ?? usage());
    return EXIT.ok;
  }
  try {
    return await subcommand.run(args);
  } catch (error) {
    // Misuse and problems the operator can fix get one line on stderr, no stack trace; the whole
    // error goes to the debug log. Anything else is a bug and keeps its stack.
    const misuse = isMisuse(error);
    if (!misuse && !(error instanceof OperatorError)) throw error;
    console.error(`tf-study-bot ${name}: ${(error as Error).message}`);
    logFullError(name, error);
    return misuse ? EXIT.misuse : EXIT.failure;
  }
}

/** node:util parseArgs refusing the arguments (unknown option, unexpected positional...). */
function isMisuse(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

function logFullError(command: string, error: unknown): void {
  // LOG_LEVEL as the subcommand read it (from .env too); unreadable, the default level.
  const level = process.env.LOG_LEVEL?.trim();
  createLogger(isLogLevel(level) ? level : 'info').debug({ err: error, command }, 'command failed');
}
