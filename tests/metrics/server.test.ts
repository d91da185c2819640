import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import type { Database } from '../../src/db/client.ts';
import { allOf, databaseCheck, readinessCheck, type Health } from '../../src/metrics/health.ts';
import { Metrics } from '../../src/metrics/metrics.ts';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/server.ts';
import { pgliteSnapshot } from '../support/db.ts';

describe('health checks', () => {
  it('a database that answers is healthy; a closed one names the database and its error', async () => {
    const database = await openDatabase({ inMemory: true, loadDataDir: pgliteSnapshot() });
    const check = databaseCheck(database.db);
    expect(await check()).toEqual({ ok: true });
    await database.close();
    const health = await check();
    expect(health.ok).toBe(false);
    expect(!health.ok && health.reason).toMatch(/^database: \S/);
  });

  it('a database that does not answer in time is unhealthy', async () => {
    const hanging = { execute: () => new Promise(() => {}) } as unknown as Database;
    expect(await databaseCheck(hanging, 50)()).toEqual({ ok: false, reason: 'database: no answer within 50 ms' });
  });

  it('reports the first failing check in order, and a component that is not ready', async () => {
    let ready = false;
    const gateway = readinessCheck('gateway', () => ready);
    const database = async (): Promise<Health> => ({ ok: false, reason: 'database: connection refused' });
    expect(await allOf(gateway, database)()).toEqual({ ok: false, reason: 'gateway: not ready' });
    ready = true;
    expect(await allOf(gateway, database)()).toEqual({ ok: false, reason: 'database: connection refused' });
    expect(await allOf(gateway)()).toEqual({ ok: true });
  });
});

describe('the metrics server', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves /healthz (200 ok, or 503 with the reason) and /metrics in the Prometheus text format', async () => {
    const metrics = new Metrics({ clock: () => new Date('2026-12-01T10:00:00Z'), processMetrics: false });
    metrics.graderRestarted();
    let health: Health = { ok: true };
    server = await startMetricsServer({ registry: metrics.registry, health: async () => health, port: 0, host: '127.0.0.1' });
    const url = (path: string) => `http://127.0.0.1:${server!.port}${path}`;

    let response = await fetch(url('/healthz'));
    expect([response.status, (await response.text()).trim()]).toEqual([200, 'ok']);
    health = { ok: false, reason: 'gateway: not ready' };
    response = await fetch(url('/healthz'));
    expect([response.status, (await response.text()).trim()]).toEqual([503, 'gateway: not ready']);

    response = await fetch(url('/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(metrics.contentType);
    expect(await response.text()).toContain('\ngrader_restarts_total 1\n');

    expect((await fetch(url('/'))).status).toBe(404);
    response = await fetch(url('/metrics'), { method: 'POST' });
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('closes with a scraper still connected (keep-alive)', async () => {
    const metrics = new Metrics({ clock: () => new Date('2026-12-01T10:00:00Z'), processMetrics: false });
    server = await startMetricsServer({ registry: metrics.registry, health: async () => ({ ok: true }), port: 0, host: '127.0.0.1' });
    await (await fetch(`http://127.0.0.1:${server.port}/metrics`, { keepalive: true })).text();
    await server.close();
    server = undefined;
  });
});
