// /healthz and /metrics of the real bot (METRICS_PORT=0: a free port) through the fake Discord: a
// command shows up in the counts, and the health answer follows the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { databaseBehindProxy, type TcpProxy } from '../support/tcp-proxy.ts';

async function get(bot: BotHarness, path: string): Promise<{ status: number; type: string | null; body: string }> {
  const response = await fetch(`http://127.0.0.1:${bot.app.metricsPort}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

/** The value of one sample line of the text format. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('health and metrics of the bot', () => {
  let bot: BotHarness;
  beforeAll(async () => {
    bot = await startBotHarness({ env: { METRICS_PORT: '0' } });
  });
  afterAll(async () => bot?.stop());

  it('counts a /tip show and its acknowledgement', async () => {
    const before = await get(bot, '/metrics');
    expect(sample(before.body, 'interactions_total{command="tip",outcome="ok"}')).toBeUndefined();

    const tip = await bot.fake.slashCommand({ name: 'tip', subcommand: 'show', member: bot.student });
    expect((await tip.response()).type).toBe(4);

    const after = await get(bot, '/metrics');
    expect(after.status).toBe(200);
    expect(after.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(after.body, 'interactions_total{command="tip",outcome="ok"}')).toBe(1);
    expect(sample(after.body, 'interaction_ack_seconds_count')).toBe(1);
    expect(sample(after.body, 'queue_depth')).toBe(0);
    expect(sample(after.body, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('/healthz is 200 while the gateway is ready and the database answers', async () => {
    expect(await get(bot, '/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
  });

  it('/healthz is 503 with the reason once the database is closed', async () => {
    await bot.app.database.close();
    const health = await get(bot, '/healthz');
    expect(health.status).toBe(503);
    expect(health.body).toMatch(/^database: \S.*\n$/);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('health during a PostgreSQL outage', () => {
  let bot: BotHarness;
  let proxy: TcpProxy;
  let database: Awaited<ReturnType<typeof databaseBehindProxy>>;

  beforeAll(async () => {
    database = await databaseBehindProxy();
    proxy = database.proxy;
    bot = await startBotHarness({ env: { DATABASE_URL: database.url, METRICS_PORT: '0' } });
  });

  afterAll(async () => {
    proxy?.restore();
    await bot?.stop();
    await database?.close();
  });

  it('says which part is down while the database is unreachable, and recovers without a restart', { timeout: 60_000 }, async () => {
    // Both routes once before the cut, so the pool's connections are open (not mid-handshake) when it comes.
    expect((await get(bot, '/healthz')).status).toBe(200);
    expect(sample((await get(bot, '/metrics')).body, 'queue_depth')).toBe(0);
    proxy.cut();
    const down = await get(bot, '/healthz');
    expect(down.status).toBe(503);
    expect(down.body).toMatch(/^database: \S.*\n$/);
    // The scrape still answers, with the queue unknown.
    const metrics = await get(bot, '/metrics');
    expect(metrics.status).toBe(200);
    expect(sample(metrics.body, 'queue_depth')).toBeNaN();

    proxy.restore();
    await expect.poll(async () => (await get(bot, '/healthz')).status, { timeout: 30_000, interval: 200 }).toBe(200);
  });
});
