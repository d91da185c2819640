import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { openDatabase } from '../db/client.ts';

export const migrateCommand = {
  describe: 'apply the database migrations',
  async run(args: string[]): Promise<number> {
    // It takes no options: anything given is a mistake to report (exit 2), not to ignore.
    parseArgs({ args, options: {}, strict: true });
    const config = loadConfig();
    const logger = createLogger(config.logLevel);
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
    await database.close();
    logger.info({ engine: database.engine }, 'database is up to date');
    return 0;
  },
};
