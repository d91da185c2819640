// Runs a scheduled slot once across processes and restarts. A slot is (job, scope, slot): the
// daily tip of one server on one local date, one occurrence of a reminder, one tick of a cron task.
// The first process whose INSERT ... ON CONFLICT DO NOTHING returns the row runs it; a select
// first and insert after would let several through. A claim that is not completed within its lease
// (the process died between claim and send) is taken over once; the message's nonce makes that
// second attempt unable to post twice.
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { RunCoordinator } from 'node-cron';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/client.ts';
import { scheduledRuns, type RunStatus } from '../db/schema.ts';

export type SlotKey = { job: string; scope: string; slot: string };
export type Claim = SlotKey & { dueAt: Date; takeover: boolean };
export type RunRecord = typeof scheduledRuns.$inferSelect;

/** How long a claim holds before another process may take it over: sending takes seconds. */
export const DEFAULT_RUN_LEASE_MS = 2 * 60 * 1000;
/** How many times an expired claim may be taken over before the slot is failed. */
const MAX_TAKEOVERS = 1;

export class RunClaims {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    /** Who claims: host and process, for the record. */
    private readonly owner: string,
    private readonly leaseMs: number,
  ) {}

  /**
   * Claims a slot for this process: a new one, or one whose claim expired without completion and
   * was not taken over before. Undefined when another process has it or it has finished.
   */
  async claim(key: SlotKey, dueAt: Date): Promise<Claim | undefined> {
    const now = this.clock();
    const leaseUntil = new Date(now.getTime() + this.leaseMs);
    const inserted = await this.db
      .insert(scheduledRuns)
      .values({ ...key, dueAt, status: 'claimed', claimedBy: this.owner, claimedAt: now, leaseUntil })
      .onConflictDoNothing()
      .returning({ job: scheduledRuns.job });
    if (inserted.length > 0) return { ...key, dueAt, takeover: false };
    const taken = await this.db
      .update(scheduledRuns)
      .set({ claimedBy: this.owner, claimedAt: now, leaseUntil, takeovers: sql`${scheduledRuns.takeovers} + 1` })
      .where(
        and(
          this.matches(key),
          eq(scheduledRuns.status, 'claimed'),
          lt(scheduledRuns.leaseUntil, now),
          lt(scheduledRuns.takeovers, MAX_TAKEOVERS),
        ),
      )
      .returning({ dueAt: scheduledRuns.dueAt });
    if (taken.length > 0) return { ...key, dueAt: taken[0].dueAt, takeover: true };
    // A claim that expired after its takeover too: the slot is given up, with the reason.
    await this.db
      .update(scheduledRuns)
      .set({ status: 'failed', finishedAt: now, reason: 'the process that claimed it stopped twice before sending' })
      .where(and(this.matches(key), eq(scheduledRuns.status, 'claimed'), lt(scheduledRuns.leaseUntil, now)));
    return undefined;
  }

  async complete(claim: Claim, outcome: { messageId?: string; delayed: boolean }): Promise<void> {
    await this.finish(claim, 'sent', { messageId: outcome.messageId ?? null, delayed: outcome.delayed });
  }

  async fail(claim: Claim, reason: string): Promise<void> {
    await this.finish(claim, 'failed', { reason });
  }

  /** Records a slot that was not run (too late to be useful), once. True when this call recorded it. */
  async skip(key: SlotKey, dueAt: Date, reason: string): Promise<boolean> {
    const now = this.clock();
    const rows = await this.db
      .insert(scheduledRuns)
      .values({ ...key, dueAt, status: 'skipped', claimedBy: this.owner, claimedAt: now, finishedAt: now, reason })
      .onConflictDoNothing()
      .returning({ job: scheduledRuns.job });
    return rows.length > 0;
  }

  /** The latest finished or claimed slot of each job in a scope. */
  async latest(scope: string, jobs: readonly string[]): Promise<Map<string, RunRecord>> {
    const latest = new Map<string, RunRecord>();
    if (jobs.length === 0) return latest;
    const rows = await this.db
      .select()
      .from(scheduledRuns)
      .where(and(eq(scheduledRuns.scope, scope), inArray(scheduledRuns.job, [...jobs])))
      .orderBy(desc(scheduledRuns.dueAt))
      .limit(jobs.length * 4);
    for (const row of rows) if (!latest.has(row.job)) latest.set(row.job, row);
    return latest;
  }

  /** Forgets cron ticks older than `before`: they only ever decided which process ran a tick. */
  async pruneTicks(before: Date): Promise<void> {
    await this.db.delete(scheduledRuns).where(and(eq(scheduledRuns.job, 'cron'), lt(scheduledRuns.dueAt, before)));
  }

  /** node-cron's coordinator for `distributed` tasks: one process runs each tick. */
  cronCoordinator(): RunCoordinator {
    return {
      shouldRun: async (key: string) => {
        const now = this.clock();
        return (await this.claim({ job: 'cron', scope: '*', slot: key }, now)) !== undefined;
      },
      onComplete: async (key: string) => {
        await this.finish({ job: 'cron', scope: '*', slot: key }, 'sent', {});
      },
    };
  }

  private async finish(key: SlotKey, status: RunStatus, values: Partial<Pick<RunRecord, 'messageId' | 'delayed' | 'reason'>>): Promise<void> {
    await this.db
      .update(scheduledRuns)
      .set({ status, finishedAt: this.clock(), leaseUntil: null, ...values })
      .where(and(this.matches(key), eq(scheduledRuns.status, 'claimed'), eq(scheduledRuns.claimedBy, this.owner)));
  }

  private matches(key: SlotKey) {
    return and(eq(scheduledRuns.job, key.job), eq(scheduledRuns.scope, key.scope), eq(scheduledRuns.slot, key.slot));
  }
}
