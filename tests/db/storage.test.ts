import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { migrateDatabase, openDatabase, type DatabaseHandle } from '../../src/db/client.ts';
import { communityTips, guildSettings } from '../../src/db/schema.ts';
import { rowsOf } from '../../src/db/rows.ts';
import { createScratchDatabase, dropScratchDatabase, openTestDatabase, testEngines } from '../support/db.ts';

describe.each(testEngines)('storage on %s', (engine) => {
  let handle: (DatabaseHandle & { url?: string }) | undefined;
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
  });

  it('applies the migrations and round-trips rows through the schema', async () => {
    handle = await openTestDatabase(engine);
    expect(handle.engine).toBe(engine);
    const at = new Date('2026-11-30T09:15:00.123Z');
    await handle.db.insert(guildSettings).values({ guildId: 'g1', timezone: 'Europe/Paris', createdAt: at, updatedAt: at });
    const [row] = await handle.db.insert(communityTips).values({
      guildId: 'g1',
      authorId: 'u1',
      authorName: 'Ada',
      topic: 'nlp',
      title: 'Pad after',
      body: 'Use padding="post".',
      createdAt: at,
    }).returning();
    expect(row.status).toBe('pending');
    expect(row.createdAt).toEqual(at);
    const settings = await handle.db.select().from(guildSettings);
    expect(settings).toEqual([expect.objectContaining({ guildId: 'g1', timezone: 'Europe/Paris' })]);
  });

  it('leaves every moment to the app: no column defaults to the database clock', async () => {
    handle = await openTestDatabase(engine);
    const defaults = rowsOf<{ table_name: string; column_name: string; column_default: string }>(
      await handle.db.execute(sql`
        select table_name, column_name, column_default from information_schema.columns
        where table_schema = 'public' and data_type like 'timestamp%' and column_default is not null`),
    );
    expect(defaults).toEqual([]);
  });

  it('applies the migrations again without error (every start runs them)', async () => {
    handle = await openTestDatabase(engine);
    await migrateDatabase(handle, { databaseUrl: handle.url });
    const [{ n }] = rowsOf<{ n: number }>(await handle.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`));
    expect(n).toBe((await import('../../drizzle/meta/_journal.json')).entries.length);
  });
});

describe.runIf(testEngines.includes('postgres'))('migrations on PostgreSQL', () => {
  it('run once when several processes start together', async () => {
    const url = await createScratchDatabase();
    try {
      const handles = await Promise.all([1, 2, 3, 4].map(() => openDatabase({ databaseUrl: url })));
      const [{ n }] = rowsOf<{ n: number }>(await handles[0].db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`));
      expect(n).toBe((await import('../../drizzle/meta/_journal.json')).entries.length);
      await Promise.all(handles.map((h) => h.close()));
    } finally {
      await dropScratchDatabase(url);
    }
  });

  it('a wrong DATABASE_URL gives a message that names the server and not the password', async () => {
    const error = await openDatabase({ databaseUrl: 'postgres://someone:secret@127.0.0.1:1/nowhere' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('DatabaseConnectError');
    expect((error as Error).message).toContain('127.0.0.1:1/nowhere');
    expect((error as Error).message).not.toContain('secret');
  });
});
