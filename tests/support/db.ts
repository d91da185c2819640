// Test databases on both engines: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. Each
// call gets an empty, migrated database of its own.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openDatabase, type DatabaseEngine, type DatabaseHandle } from '../../src/db/client.ts';

export type TestEngine = DatabaseEngine;

export const testEngines: TestEngine[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export function pgliteSnapshot(): Blob {
  return new Blob([readFileSync(inject('pgliteSnapshot'))]);
}

/** A fresh database on the engine; close() also drops a PostgreSQL test database. */
export async function openTestDatabase(engine: TestEngine): Promise<DatabaseHandle & { url?: string }> {
  if (engine === 'pglite') return openDatabase({ inMemory: true, loadDataDir: pgliteSnapshot() });
  const url = await createScratchDatabase();
  const handle = await openDatabase({ databaseUrl: url });
  return {
    ...handle,
    url,
    async close() {
      await handle.close();
      await dropScratchDatabase(url);
    },
  };
}

/** Creates an empty database next to TEST_DATABASE_URL's, named `<prefix>_<random>`, and returns its URL. */
export async function createScratchDatabase(prefix = 'tsb'): Promise<string> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropScratchDatabase(url: string): Promise<void> {
  const base = process.env.TEST_DATABASE_URL!;
  const name = new URL(url).pathname.slice(1);
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}
