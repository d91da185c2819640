// Runs a scheduled slot once across processes and restarts. A slot is (job, scope, slot): the
// daily tip of one server on one local date, one occurrence of a reminder, one tick of a cron task.
// The first process whose INSERT ... ON CONFLICT DO NOTHING returns the row runs it; a select
// first and insert after would let several through. A claim that is not completed within its lease
// (the process died between claim and send) is taken over once; the message's nonce makes that
// second attempt unable to post twice.
import { and, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { RunCoordinator } from 'node-cron';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/client.ts';
import { scheduledRuns, type RunStatus } from '../db/schema.ts';

export type SlotKey = { job: string; scope: string; slot: string };
export type Claim = SlotKey & { dueAt: Date; takeover: boolean };
export type RunRecord = typeof scheduledRuns.$inferSelect;

/** How long a claim holds before another process may take it over: sending takes seconds. */
export const DEFAULT_RUN_LEASE_MS = 2 * 60 * 1000;
/**
 * How long after a send a retry may still rely on the message's nonce: Discord drops a repeated
 * nonce for a few minutes only. A claim that died later than this after sending is not sent again.
 */
export const NONCE_TRUST_MS = 4 * 60 * 1000;
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
          // Never sent, or sent so recently that Discord still drops a repeat of its nonce.
          or(isNull(scheduledRuns.sendingAt), gt(scheduledRuns.sendingAt, new Date(now.getTime() - NONCE_TRUST_MS))),
        ),
      )
      .returning({ dueAt: scheduledRuns.dueAt });
    if (taken.length > 0) return { ...key, dueAt: taken[0].dueAt, takeover: true };
    // A claim that expired and may not be taken over: given up, with the reason.
    await this.db
      .update(scheduledRuns)
      .set({
        status: 'failed',
        finishedAt: now,
        reason: sql`case when ${scheduledRuns.sendingAt} is null then 'the process that claimed it stopped twice before sending'
          else 'the process sending it stopped before Discord confirmed; look in the channel whether it arrived' end`,
      })
      .where(and(this.matches(key), eq(scheduledRuns.status, 'claimed'), lt(scheduledRuns.leaseUntil, now)));
    return undefined;
  }

  /** Records that the message is about to go to Discord (see NONCE_TRUST_MS). */
  async markSending(claim: Claim): Promise<void> {
    await this.db
      .update(scheduledRuns)
      .set({ sendingAt: this.clock() })
      .where(and(this.matches(claim), eq(scheduledRuns.status, 'claimed'), eq(scheduledRuns.claimedBy, this.owner)));
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

  /** The latest slot of each job in a scope (by when it was due). */
  async latest(scope: string, jobs: readonly string[]): Promise<Map<string, RunRecord>> {
    const rows = await Promise.all(
      jobs.map(async (job) => {
        const [row] = await this.db
          .select()
          .from(scheduledRuns)
          .where(and(eq(scheduledRuns.scope, scope), eq(scheduledRuns.job, job)))
          .orderBy(desc(scheduledRuns.dueAt))
          .limit(1);
        return row;
      }),
    );
    return new Map(rows.filter((row): row is RunRecord => row !== undefined).map((row) => [row.job, row]));
  }

  /**
   * Forgets cron ticks older than `ticksBefore` (they only decided which process ran a tick) and
   * slots older than `slotsBefore`, long past any window in which they could run again.
   */
  async prune(ticksBefore: Date, slotsBefore: Date): Promise<void> {
    await this.db.delete(scheduledRuns).where(and(eq(scheduledRuns.job, 'cron'), lt(scheduledRuns.dueAt, ticksBefore)));
    await this.db.delete(scheduledRuns).where(and(sql`${scheduledRuns.job} <> 'cron'`, lt(scheduledRuns.dueAt, slotsBefore), sql`${scheduledRuns.status} <> 'claimed'`));
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
