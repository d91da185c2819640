// /healthz: a process is healthy when every check passes. Each check names what failed in its
// reason ("database: ...", "gateway: not ready") so the one line an orchestrator logs says where to look.
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { withTimeout } from './with-timeout.ts';

export type Health = { ok: true } | { ok: false; reason: string };
export type HealthCheck = () => Promise<Health>;

export const healthy: Health = { ok: true };

/** The database answers a trivial query within `timeoutMs`. */
export function databaseCheck(db: Database, timeoutMs = 2_000): HealthCheck {
  return async () => {
    try {
      await withTimeout(db.execute(sql`select 1`), timeoutMs);
      return healthy;
    } catch (error) {
      return { ok: false, reason: `database: ${firstLine(error)}` };
    }
  };
}

/** Healthy while `isReady()` says so; otherwise "<name>: not ready". */
export function readinessCheck(name: string, isReady: () => boolean): HealthCheck {
  return async () => (isReady() ? healthy : { ok: false, reason: `${name}: not ready` });
}

/** Every check, at the same time; the first failure in the given order is the reason. */
export function allOf(...checks: HealthCheck[]): HealthCheck {
  return async () => (await Promise.all(checks.map((check) => check()))).find((health) => !health.ok) ?? healthy;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim() || 'unknown error';
}
