import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { openDatabase } from '../db/client.ts';

export const migrateCommand = {
  describe: 'apply the database migrations',
  async run(): Promise<number> {
    const config = loadConfig();
    const logger = createLogger(config.logLevel);
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
    await database.close();
    logger.info({ engine: database.engine }, 'database is up to date');
    return 0;
  },
};
