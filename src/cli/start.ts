import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config.ts';
import { createLogger, type Logger } from '../log.ts';
import { startApp, type App } from '../app.ts';
import { OperatorError } from '../operator-error.ts';
import { EXIT } from './exit-codes.ts';
import { runShards, type ShardCount } from './shard-manager.ts';
import { listenForStop } from './stop-signals.ts';

/** From the first SIGTERM or SIGINT (the rest of a start included) to a forced exit. */
const SHUTDOWN_DEADLINE_MS = 10_000;

export const startUsage = [
  'usage: tf-study-bot start [--shards auto|N]',
  '',
  'Runs the bot. With --shards, runs it as N gateway shards, one process each (auto: the count',
  'Discord recommends), restarting a shard that dies; SIGTERM or SIGINT stops them all. Shards need',
  'PostgreSQL (DATABASE_URL). Discord requires sharding from 2,500 servers.',
].join('\n');

function parseShardCount(value: string): ShardCount | undefined {
  if (value === 'auto') return 'auto';
  const count = Number(value);
  return /^\d+$/.test(value) && count >= 1 ? count : undefined;
}

export const startCommand = {
  describe: 'run the bot (--shards: as gateway shards)',
  usage: startUsage,
  async run(args: string[]): Promise<number> {
    // Anything else given is a mistake to report (exit 2), not to ignore.
    const { values } = parseArgs({ args, options: { shards: { type: 'string' } }, strict: true });
    const config = loadConfig({ discordToken: true });
    const logger = createLogger(config.logLevel);
    if (values.shards !== undefined) {
      const shards = parseShardCount(values.shards);
      if (shards === undefined) {
        console.error(`tf-study-bot start: --shards must be "auto" or a whole number of at least 1, not "${values.shards}"`);
        return EXIT.misuse;
      }
      if (!config.databaseUrl) {
        throw new OperatorError(
          'tf-study-bot start --shards needs PostgreSQL (DATABASE_URL): each shard is a process of its own, and the embedded database allows one process. Set DATABASE_URL, or start without --shards.',
        );
      }
      return runShards({ token: config.discordToken!, apiUrl: config.discordApiUrl, shards, logger });
    }
    return runBot(config, process.env.SHARDING_MANAGER ? logger.child({ shard: Number(process.env.SHARDS) }) : logger);
  },
};

/** One bot process: the whole bot, or one shard of it when started by `start --shards`. */
async function runBot(config: Config, logger: Logger): Promise<number> {
  const stop = listenForStop(logger, SHUTDOWN_DEADLINE_MS);
  let app: App;
  try {
    app = await startApp(config, logger);
  } catch (error) {
    stop.dispose();
    throw error;
  }
  logger.info({ signal: await stop.received }, 'shutting down');
  await app.stop().catch((error: unknown) => logger.error({ err: error }, 'error while shutting down'));
  stop.dispose();
  // A shard's channel to its manager (discord.js listens on it) would keep the process alive.
  if (process.connected) process.disconnect();
  return 0;
}
