import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { startApp } from '../app.ts';

const SHUTDOWN_DEADLINE_MS = 10_000;

export const startCommand = {
  describe: 'run the bot',
  async run(args: string[]): Promise<number> {
    // It takes no options: anything given is a mistake to report (exit 2), not to ignore.
    parseArgs({ args, options: {}, strict: true });
    const config = loadConfig({ discordToken: true });
    const logger = createLogger(config.logLevel);
    const app = await startApp(config, logger);
    await new Promise<void>((resolve) => {
      const shutdown = (signal: string) => {
        logger.info({ signal }, 'shutting down');
        // Whatever happens, the process is gone within the deadline.
        setTimeout(() => {
          logger.error('shutdown took too long; exiting');
          process.exit(1);
        }, SHUTDOWN_DEADLINE_MS).unref();
        app.stop().then(resolve, (error: unknown) => {
          logger.error({ err: error }, 'error while shutting down');
          resolve();
        });
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
    return 0;
  },
};
