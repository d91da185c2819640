// Opens the database: PGlite (embedded PostgreSQL in WASM) when DATABASE_URL is absent, PostgreSQL
// through postgres.js when it is set. Both are drizzle PgDatabase instances over the same schema.
import { OperatorError } from '../operator-error.ts';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema.ts';
import { lockDataDir, type DataDirLock } from './lock.ts';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type DatabaseEngine = 'pglite' | 'postgres';

export type DatabaseHandle = {
  db: Database;
  engine: DatabaseEngine;
  /** Closes the connections and releases the data directory lock. Safe to call twice. */
  close(): Promise<void>;
};

export const MIGRATIONS_FOLDER = resolve(fileURLToPath(new URL('../../drizzle', import.meta.url)));

export class DatabaseConnectError extends OperatorError {
  override name = 'DatabaseConnectError';
}

export type OpenDatabaseOptions = {
  /** postgres:// URL; absent means PGlite. */
  databaseUrl?: string;
  /** Where PGlite keeps its files (`<dataDir>/pglite`) and its lock. */
  dataDir?: string;
  /** PGlite only: keep everything in memory (tests). No lock is taken. */
  inMemory?: boolean;
  /** PGlite only: start from a dumpDataDir() tarball (tests start in about 1 s instead of 6-7 s). */
  loadDataDir?: Blob;
  /** Apply the migrations in drizzle/ (default true). */
  migrate?: boolean;
  logger?: Logger;
};

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const logger = options.logger ?? silentLogger;
  const handle = options.databaseUrl
    ? await openPostgres(options.databaseUrl, logger)
    : await openPglite(options, logger);
  if (options.migrate !== false) {
    try {
      await migrateDatabase(handle, { databaseUrl: options.databaseUrl, logger });
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
  return handle;
}

async function openPostgres(databaseUrl: string, logger: Logger): Promise<DatabaseHandle> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  // fetch_types off: postgres.js reads the array types after each connect in a query nobody awaits,
  // so a connection cut at that moment (a database restart) is an unhandled rejection that ends the
  // process. The schema has no array columns and no query returns an array.
  const client = postgres(databaseUrl, { max: 10, onnotice: () => {}, connect_timeout: 10, fetch_types: false });
  try {
    await client`select 1`;
  } catch (error) {
    await client.end({ timeout: 1 }).catch(() => {});
    const where = describeUrl(databaseUrl);
    throw new DatabaseConnectError(
      `Cannot connect to PostgreSQL at ${where}: ${(error as Error).message}. Check DATABASE_URL, or unset it to use the embedded database.`,
      { cause: error },
    );
  }
  logger.info({ engine: 'postgres', at: describeUrl(databaseUrl) }, 'connected to PostgreSQL');
  const db = drizzle(client, { schema }) as unknown as Database;
  let closed = false;
  return {
    db,
    engine: 'postgres',
    async close() {
      if (closed) return;
      closed = true;
      await client.end({ timeout: 5 });
    },
  };
}

async function openPglite(options: OpenDatabaseOptions, logger: Logger): Promise<DatabaseHandle> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  let lock: DataDirLock | undefined;
  let dataDir: string | undefined;
  if (!options.inMemory) {
    const root = resolve(options.dataDir ?? './data');
    lock = lockDataDir(root);
    dataDir = join(root, 'pglite');
  }
  const started = performance.now();
  const isNew = dataDir ? !existsSync(join(dataDir, 'PG_VERSION')) : !options.loadDataDir;
  logger.info(
    { engine: 'pglite', dataDir: dataDir ?? 'memory', isNew },
    isNew
      ? 'opening the embedded database; a new data directory is initialised first, which takes 6-8 s'
      : 'opening the embedded database (about 1 s)',
  );
  let client: InstanceType<typeof PGlite>;
  try {
    client = await PGlite.create({ dataDir, loadDataDir: options.loadDataDir });
  } catch (error) {
    lock?.release();
    throw new DatabaseConnectError(`Cannot open the embedded database in ${dataDir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  logger.info({ engine: 'pglite', ms: Math.round(performance.now() - started) }, 'embedded database ready');
  const db = drizzle(client, { schema }) as unknown as Database;
  let closed = false;
  return {
    db,
    engine: 'pglite',
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

// Several processes may start at once against one PostgreSQL: the advisory lock makes them apply
// the migrations one after the other instead of racing on the same CREATE TABLE.
const MIGRATION_LOCK_KEY = 7_207_011;

export async function migrateDatabase(
  handle: DatabaseHandle,
  { databaseUrl, logger = silentLogger }: { databaseUrl?: string; logger?: Logger },
): Promise<void> {
  const started = performance.now();
  if (handle.engine === 'pglite') {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  } else {
    if (!databaseUrl) throw new Error('migrateDatabase: a PostgreSQL handle needs its databaseUrl');
    const { default: postgres } = await import('postgres');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    // One connection, so that the session-level advisory lock covers every migration statement.
    const client = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    } finally {
      await client.end({ timeout: 5 });
    }
  }
  logger.debug({ ms: Math.round(performance.now() - started) }, 'migrations applied');
}

/** The URL without its password, for messages and logs. */
function describeUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
