// /tip's domain: which tip a server sees next (no repeat within a topic until all of its tips were
// shown), and the community proposals that moderators approve into that server's rotation.
import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import type { Clock } from '../clock.ts';
import { ok, refused, type Result } from '../result.ts';
import { communityTips, tipRotation, type CommunityTipStatus } from '../db/schema.ts';
import { checkTipText } from './tip-text.ts';

/** The part of the knowledge base this service reads. */
export type TipSource = {
  topics: ReadonlyArray<{ id: string; name: string; description?: string }>;
  tips: ReadonlyArray<{ id: string; title: string; body: string; topic: string; skill: string; snippet?: string }>;
};

export type TipView = {
  id: string;
  title: string;
  body: string;
  snippet?: string;
  topic: string;
  topicName: string;
  skill?: string;
  /** Set for tips proposed by a member and approved in this server. */
  author?: { id: string; name: string };
};

export type Proposal = typeof communityTips.$inferSelect;

export type ProposalInput = { topic: string; title: string; body: string; snippet?: string };

/** Refused with the problems to fix, one sentence each. */
export type ProposeResult = Result<Proposal, string[]>;

export type ReviewResult = Result<Proposal, { kind: 'not-found' } | { kind: 'already-reviewed'; proposal: Proposal }>;

const COMMUNITY_PREFIX = 'community-';
/** Lock-free tries before a pick takes the server's lock (two collisions in a row are rare). */
const OPTIMISTIC_ATTEMPTS = 2;
/**
 * The last tips of a round are picked under the lock, where concurrent picks would collide, and so
 * that a lock-free pick read before a round ended is hardly ever recorded after the next one began
 * (it would have to take longer than eight picks under the lock; then a member may see a tip again
 * a few picks after the round that showed it, never twice in one round).
 */
const LOCKED_ROUND_END = 8;

function unshown(candidates: TipView[], shown: ReadonlyArray<{ topic: string; tipId: string }>): TipView[] {
  const shownIds = new Set(shown.map((r) => `${r.topic}/${r.tipId}`));
  return candidates.filter((t) => !shownIds.has(`${t.topic}/${t.id}`));
}

export class TipService {
  private readonly topicNames: Map<string, string>;

  constructor(
    private readonly db: Database,
    private readonly source: TipSource,
    private readonly now: Clock,
    private readonly random: () => number = Math.random,
  ) {
    this.topicNames = new Map(source.topics.map((t) => [t.id, t.name]));
  }

  get topics(): TipSource['topics'] {
    return this.source.topics;
  }

  isTopic(topic: string): boolean {
    return this.topicNames.has(topic);
  }

  /** Topics whose id or name contains the text typed so far, for autocomplete. */
  matchTopics(typed: string): Array<{ id: string; name: string }> {
    const needle = typed.trim().toLowerCase();
    return this.source.topics
      .filter((t) => !needle || t.id.includes(needle) || t.name.toLowerCase().includes(needle))
      .map((t) => ({ id: t.id, name: t.name }));
  }

  /**
   * The next tip for a server, from one topic or from all. Within a topic no tip repeats until every
   * tip of the topic (knowledge base plus this server's approved community tips) has been shown.
   */
  async nextTip(guildId: string, topic?: string): Promise<TipView | undefined> {
    if (topic !== undefined && !this.isTopic(topic)) return undefined;
    // Most picks need no lock: read the round, pick, and record the pick unless another /tip in
    // this server recorded the same tip a moment ago (the primary key decides), in two round trips.
    // The end of a round, and a /tip that keeps colliding, take the server's lock instead.
    for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      const [candidates, shown] = await Promise.all([this.candidates(this.db, guildId, topic), this.shownInRound(this.db, guildId, topic)]);
      if (candidates.length === 0) return undefined;
      const pool = unshown(candidates, shown);
      if (pool.length <= LOCKED_ROUND_END) break;
      const pick = this.pickFrom(pool);
      const recorded = await this.db
        .insert(tipRotation)
        .values({ guildId, topic: pick.topic, tipId: pick.id, shownAt: this.now() })
        .onConflictDoNothing()
        .returning({ tipId: tipRotation.tipId });
      if (recorded.length > 0) return pick;
    }
    return this.nextTipLocked(guildId, topic);
  }

  /**
   * The pick under a per-server advisory lock, for a round that is over (or a busy moment): one at
   * a time, so a new round starts once, and not with the tip just shown.
   */
  private nextTipLocked(guildId: string, topic?: string): Promise<TipView | undefined> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`tips:${guildId}`}))`);
      const candidates = await this.candidates(tx, guildId, topic);
      if (candidates.length === 0) return undefined;
      // Lock-free picks may still land between this read and the insert: then read again.
      for (;;) {
        const shown = await this.shownInRound(tx, guildId, topic);
        let pool = unshown(candidates, shown);
        if (pool.length === 0) {
          await tx
            .delete(tipRotation)
            .where(topic ? and(eq(tipRotation.guildId, guildId), eq(tipRotation.topic, topic)) : eq(tipRotation.guildId, guildId));
          const last = shown[0]?.tipId;
          pool = candidates.length > 1 ? candidates.filter((t) => t.id !== last) : candidates;
        }
        const pick = this.pickFrom(pool);
        const recorded = await tx
          .insert(tipRotation)
          .values({ guildId, topic: pick.topic, tipId: pick.id, shownAt: this.now() })
          .onConflictDoNothing()
          .returning({ tipId: tipRotation.tipId });
        if (recorded.length > 0) return pick;
      }
    });
  }

  private pickFrom(pool: TipView[]): TipView {
    return pool[Math.floor(this.random() * pool.length) % pool.length];
  }

  /** The tips shown in the current round, the latest first. */
  private shownInRound(db: Pick<Database, 'select'>, guildId: string, topic?: string) {
    return db
      .select({ topic: tipRotation.topic, tipId: tipRotation.tipId })
      .from(tipRotation)
      .where(topic ? and(eq(tipRotation.guildId, guildId), eq(tipRotation.topic, topic)) : eq(tipRotation.guildId, guildId))
      .orderBy(desc(tipRotation.shownAt));
  }

  private async candidates(db: Pick<Database, 'select'>, guildId: string, topic?: string): Promise<TipView[]> {
    const fromKnowledge: TipView[] = this.source.tips
      .filter((t) => topic === undefined || t.topic === topic)
      .map((t) => ({ ...t, topicName: this.topicName(t.topic) }));
    const approved = await db
      .select()
      .from(communityTips)
      .where(
        and(
          eq(communityTips.guildId, guildId),
          eq(communityTips.status, 'approved'),
          topic === undefined ? undefined : eq(communityTips.topic, topic),
        ),
      );
    return [...fromKnowledge, ...approved.filter((p) => this.isTopic(p.topic)).map((p) => this.toView(p))];
  }

  private topicName(topic: string): string {
    return this.topicNames.get(topic) ?? topic;
  }

  toView(proposal: Proposal): TipView {
    return {
      id: `${COMMUNITY_PREFIX}${proposal.id}`,
      title: proposal.title,
      body: proposal.body,
      snippet: proposal.snippet ?? undefined,
      topic: proposal.topic,
      topicName: this.topicName(proposal.topic),
      author: { id: proposal.authorId, name: proposal.authorName },
    };
  }

  /** Stores a member's proposal as pending after checking it fits an embed. */
  async propose(guildId: string, author: { id: string; name: string }, input: ProposalInput): Promise<ProposeResult> {
    const problems: string[] = [];
    if (!this.isTopic(input.topic)) {
      problems.push(`"${input.topic}" is not a topic. Topics: ${this.source.topics.map((t) => t.id).join(', ')}.`);
    }
    const checked = checkTipText({ title: input.title, body: input.body, snippet: input.snippet });
    if (!checked.ok) problems.push(...checked.reason);
    if (problems.length > 0 || !checked.ok) return refused(problems);
    const [proposal] = await this.db
      .insert(communityTips)
      .values({
        guildId,
        authorId: author.id,
        authorName: author.name,
        topic: input.topic,
        title: checked.value.title,
        body: checked.value.body,
        snippet: checked.value.snippet ?? null,
        createdAt: this.now(),
      })
      .returning();
    return ok(proposal);
  }

  async pending(guildId: string, limit = 1): Promise<{ proposals: Proposal[]; total: number }> {
    const where = and(eq(communityTips.guildId, guildId), eq(communityTips.status, 'pending'));
    const proposals = await this.db.select().from(communityTips).where(where).orderBy(asc(communityTips.id)).limit(limit);
    const [{ total }] = await this.db.select({ total: count() }).from(communityTips).where(where);
    return { proposals, total: Number(total) };
  }

  /** Approves or rejects a pending proposal of this server; a proposal is reviewed once. */
  async review(
    guildId: string,
    proposalId: number,
    reviewerId: string,
    decision: Exclude<CommunityTipStatus, 'pending'>,
  ): Promise<ReviewResult> {
    const [updated] = await this.db
      .update(communityTips)
      .set({ status: decision, reviewedBy: reviewerId, reviewedAt: this.now() })
      .where(
        and(eq(communityTips.id, proposalId), eq(communityTips.guildId, guildId), eq(communityTips.status, 'pending')),
      )
      .returning();
    if (updated) return ok(updated);
    const [existing] = await this.db
      .select()
      .from(communityTips)
      .where(and(eq(communityTips.id, proposalId), eq(communityTips.guildId, guildId)));
    return refused(existing ? { kind: 'already-reviewed', proposal: existing } : { kind: 'not-found' });
  }
}
