// The study group's rhythm: each server's daily tip, daily question and weekly post in its
// announcement channel, at its local times. Every slot is claimed before it is sent (RunClaims),
// so it is posted once across processes and restarts; a slot missed while nothing ran is sent
// late within the grace window, marked delayed, and skipped after it. Discord's refusals (channel
// deleted, permission missing) fail the slot with the reason, shown by /config; no endless retries.
// Members' reminders go out the same way, each occurrence claimed once.
import type { Clock } from '../clock.ts';
import type { ProblemDefinition } from '../grading/problem-types.ts';
import type { Job } from '../jobs/job.ts';
import type { Claim, RunClaims, RunRecord } from '../jobs/run-claims.ts';
import type { Logger } from '../log.ts';
import type { MockExamService } from '../mockexam/mock-exam-service.ts';
import { addWeeks } from '../mockexam/week.ts';
import { DEFAULT_GRACE_MS, LOOKBACK_MS, nextSlot, ON_TIME_MS, POST_KINDS, slotsBetween, triage, type PostKind, type Slot } from '../reminders/post-slots.ts';
import type { GuildSettings, GuildSettingsService } from '../settings/guild-settings.ts';
import type { TipService } from '../tips/tip-service.ts';
import { MEMBER_SOURCE, type ReminderRow, type ReminderService } from '../reminders/reminder-service.ts';
import { DeliveryError, type MessageSender, type OutgoingMessage } from './discord-sender.ts';
import type { QuizPosts } from './quiz-posts.ts';
import { weekBoardMessage } from './ui/exam-messages.ts';
import { tipEmbed } from './ui/tip-messages.ts';
import { categoryName } from '../grading/categories.ts';
import { asText } from './ui/member-text.ts';

export type ScheduledPostsDeps = {
  settings: GuildSettingsService;
  reminders: ReminderService;
  tips: TipService;
  quizPosts: QuizPosts;
  mockExam: MockExamService;
  catalog: readonly ProblemDefinition[];
  claims: RunClaims;
  sender: MessageSender;
  clock: Clock;
  logger: Logger;
  graceMs?: number;
};

export type PostOutcome = { guildId: string; kind: PostKind | 'reminder'; slot: string; outcome: 'sent' | 'delayed' | 'failed' | 'skipped'; reason?: string };

export type PostStatus = { kind: PostKind; time: string | null; next?: Slot; last?: RunRecord };

function missedReason(graceMs: number): string {
  return `missed: no process ran within ${Math.round(graceMs / 3_600_000)} hours of its time`;
}

/** Nothing to post in a slot (mock exams off, no question served): the slot fails with this reason. */
class NothingToPost extends Error {}

const TIME_SETTING: Record<PostKind, 'dailyTipTime' | 'dailyQuizTime' | 'weeklyPostTime'> = {
  'daily-tip': 'dailyTipTime',
  'daily-quiz': 'dailyQuizTime',
  'weekly-post': 'weeklyPostTime',
};

export function postTime(settings: GuildSettings, kind: PostKind): string | null {
  return settings[TIME_SETTING[kind]];
}

export class ScheduledPosts {
  private readonly graceMs: number;

  constructor(private readonly deps: ScheduledPostsDeps) {
    this.graceMs = deps.graceMs ?? DEFAULT_GRACE_MS;
  }

  /** Sends every server post that is due now and not yet sent by any process. */
  async runDue(): Promise<PostOutcome[]> {
    const now = this.deps.clock();
    const outcomes: PostOutcome[] = [];
    for (const settings of await this.deps.settings.configuredGuilds()) {
      const channelId = settings.announcementChannelId;
      if (!channelId) continue;
      for (const kind of POST_KINDS) {
        const time = postTime(settings, kind);
        if (!time) continue;
        // Slots before the schedule was set were never promised.
        const since = Math.max(now.getTime() - LOOKBACK_MS, settings.postsChangedAt[TIME_SETTING[kind]]?.getTime() ?? 0);
        const { send, skip } = triage(slotsBetween(kind, time, settings.timezone, new Date(since), now), now, this.graceMs);
        for (const slot of skip) {
          const reason = missedReason(this.graceMs);
          if (await this.deps.claims.skip({ job: kind, scope: settings.guildId, slot: slot.slot }, slot.dueAt, reason)) {
            this.deps.logger.warn({ guildId: settings.guildId, post: kind, slot: slot.slot, dueAt: slot.dueAt }, 'scheduled post skipped: too late');
            outcomes.push({ guildId: settings.guildId, kind, slot: slot.slot, outcome: 'skipped', reason });
          }
        }
        for (const slot of send) {
          const claim = await this.deps.claims.claim({ job: kind, scope: settings.guildId, slot: slot.slot }, slot.dueAt);
          if (claim) outcomes.push(await this.deliver(settings, channelId, kind, claim, slot.delayed));
        }
      }
    }
    for (const reminder of await this.deps.reminders.due()) {
      const outcome = await this.remind(reminder, now);
      if (outcome) outcomes.push(outcome);
    }
    return outcomes;
  }

  /** One occurrence of a reminder: claimed like a post, sent, then the reminder moves on. */
  private async remind(reminder: ReminderRow, now: Date): Promise<PostOutcome | undefined> {
    const occurrence = reminder.nextAt!;
    const key = { job: 'reminder', scope: `reminder:${reminder.id}`, slot: occurrence.toISOString() };
    const base = { guildId: reminder.guildId, kind: 'reminder' as const, slot: key.slot };
    const late = now.getTime() - occurrence.getTime();
    if (late > this.graceMs) {
      const reason = missedReason(this.graceMs);
      const recorded = await this.deps.claims.skip(key, occurrence, reason);
      await this.deps.reminders.advance(reminder, occurrence);
      if (!recorded) return undefined;
      this.deps.logger.warn({ ...base, reminder: reminder.id }, 'reminder skipped: too late');
      return { ...base, outcome: 'skipped', reason };
    }
    const claim = await this.deps.claims.claim(key, occurrence);
    if (!claim) {
      // Sent (or given up) by a process that stopped before moving the reminder on.
      const last = (await this.deps.claims.latest(key.scope, ['reminder'])).get('reminder');
      if (last && last.slot === key.slot && last.status !== 'claimed') await this.deps.reminders.advance(reminder, occurrence);
      return undefined;
    }
    const delayed = late > ON_TIME_MS;
    const dedupeKey = `reminder:${reminder.id}:${key.slot}`;
    // Escaping may double a 500-character text; the message holds 2,000.
    const lines = [`⏰ <@${reminder.userId}> ${asText(reminder.text, 1_100)}`];
    if (delayed) lines.push(`-# Late: due <t:${Math.floor(occurrence.getTime() / 1000)}:f>.`);
    const message: OutgoingMessage = { content: lines.join('\n'), mentionUsers: [reminder.userId] };
    try {
      await this.deps.claims.markSending(claim);
      let sent: { messageId: string };
      try {
        sent = reminder.dm ? await this.deps.sender.sendDirect(reminder.userId, message, dedupeKey) : await this.deps.sender.send(reminder.channelId, message, dedupeKey);
      } catch (error) {
        if (!(error instanceof DeliveryError && error.reason === 'dms-closed')) throw error;
        // Closed DMs: the channel where it was set, saying why. An exam countdown is personal:
        // the channel only learns that a reminder is waiting.
        const note = '-# Sent here because your direct messages are closed to this server\'s members.';
        const content = reminder.source === MEMBER_SOURCE ? `${message.content}\n${note}` : `⏰ <@${reminder.userId}> an exam-date reminder could not reach you.\n${note}`;
        sent = await this.deps.sender.send(reminder.channelId, { ...message, content }, `${dedupeKey}:channel`);
      }
      await this.deps.claims.complete(claim, { messageId: sent.messageId, delayed });
      await this.deps.reminders.advance(reminder, occurrence);
      return { ...base, outcome: delayed ? 'delayed' : 'sent' };
    } catch (error) {
      const outcome = await this.failed(claim, base, error);
      if (error instanceof DeliveryError) await this.deps.reminders.advance(reminder, occurrence);
      return outcome;
    }
  }

  /** Each post's time, next slot and last outcome in a server, for /config. */
  async status(guildId: string): Promise<PostStatus[]> {
    const settings = await this.deps.settings.get(guildId);
    const last = await this.deps.claims.latest(guildId, POST_KINDS);
    const now = this.deps.clock();
    return POST_KINDS.map((kind) => {
      const time = postTime(settings, kind);
      let next = time && settings.announcementChannelId ? nextSlot(kind, time, settings.timezone, now) : undefined;
      // A slot already sent (today's, before its time was moved later) is not posted again.
      if (next && time && last.get(kind)?.slot === next.slot) next = nextSlot(kind, time, settings.timezone, next.dueAt);
      return { kind, time, next, last: last.get(kind) };
    });
  }

  private async deliver(settings: GuildSettings, channelId: string, kind: PostKind, claim: Claim, delayed: boolean): Promise<PostOutcome> {
    const base = { guildId: settings.guildId, kind, slot: claim.slot };
    // The same key on a retry (a takeover after a crash): Discord drops the repeat.
    const dedupeKey = `${kind}:${settings.guildId}:${claim.slot}`;
    try {
      const messageId = await this.post(kind, settings, channelId, claim, dedupeKey);
      await this.deps.claims.complete(claim, { messageId, delayed });
      this.deps.logger.info({ ...base, delayed, takeover: claim.takeover }, 'scheduled post sent');
      return { ...base, outcome: delayed ? 'delayed' : 'sent' };
    } catch (error) {
      return this.failed(claim, base, error);
    }
  }

  /**
   * Discord's refusal or nothing to post fails the slot with its reason. Anything else (a timeout,
   * Discord or the database down a moment) leaves the claim to expire: a process takes it over
   * once, with the same nonce.
   */
  private async failed(claim: Claim, base: Omit<PostOutcome, 'outcome'>, error: unknown): Promise<PostOutcome> {
    if (error instanceof DeliveryError || error instanceof NothingToPost) {
      await this.deps.claims.fail(claim, error.message);
      this.deps.logger.warn({ ...base, err: error, reason: error.message }, 'scheduled delivery failed');
      return { ...base, outcome: 'failed', reason: error.message };
    }
    this.deps.logger.error({ ...base, err: error }, 'scheduled delivery interrupted; another attempt follows after the lease');
    return { ...base, outcome: 'failed', reason: 'interrupted; retried after the lease' };
  }

  private async post(kind: PostKind, settings: GuildSettings, channelId: string, claim: Claim, dedupeKey: string): Promise<string> {
    const guildId = settings.guildId;
    if (kind === 'daily-quiz') {
      await this.deps.claims.markSending(claim);
      const posted = await this.deps.quizPosts.postDaily(guildId, channelId, claim.slot, dedupeKey);
      if (!posted) throw new NothingToPost('no question bank is switched on (/quiz banks)');
      return posted.messageId;
    }
    const message = kind === 'daily-tip' ? await this.tipOfTheDay(guildId) : await this.weeklyPost(settings, claim.slot);
    await this.deps.claims.markSending(claim);
    return (await this.deps.sender.send(channelId, message, dedupeKey)).messageId;
  }

  private async tipOfTheDay(guildId: string): Promise<OutgoingMessage> {
    const tip = await this.deps.tips.nextTip(guildId);
    if (!tip) throw new NothingToPost('the knowledge base has no tips');
    return { content: '**Tip of the day** · `/tip show` for another', embeds: [tipEmbed(tip)] };
  }

  /** Monday's post: last week's final standings and winners, and this week's five problems. */
  private async weeklyPost(settings: GuildSettings, week: string): Promise<OutgoingMessage> {
    if (!settings.mockExamEnabled) throw new NothingToPost('mock exams are off on this server');
    const { mockExam, catalog } = this.deps;
    const previous = addWeeks(week, -1);
    const [board, set, guildName] = await Promise.all([
      mockExam.board(settings.guildId, previous, 'week', ''),
      mockExam.problemSet(settings.guildId, week),
      this.deps.sender.guildName(settings.guildId),
    ]);
    const winners = board.top.filter((row) => row.rank === 1 && row.score > 0);
    const problems = set.problemIds
      .map((id) => catalog.find((p) => p.id === id))
      .filter((p): p is ProblemDefinition => p !== undefined)
      .sort((a, b) => a.category - b.category)
      .map((p) => `${p.category}. ${categoryName(p.category)}: \`${p.id}\``);
    const lines = [
      `**Mock exam ${week} starts now.** This week's problems (\`/problems show\`, then \`/grade\`):`,
      ...problems,
      '',
      winners.length > 0
        ? `Winner${winners.length > 1 ? 's' : ''} of ${previous}: ${winners.map((w) => `<@${w.userId}> (${asText(w.userName, 64)}, ${w.score.toFixed(1)})`).join(', ')}. Congratulations!`
        : `Nobody scored in ${previous}.`,
    ];
    const standings = await weekBoardMessage(board, catalog, guildName, '');
    return { content: lines.join('\n'), embeds: standings.embeds, files: standings.files };
  }
}

/** Every minute, in one process of all those sharing the database; the claims decide each post. */
export function scheduledPostsJob(
  posts: ScheduledPosts,
  claims: RunClaims,
  clock: Clock,
  /** Told each run's outcomes (the metrics count them). */
  onOutcomes: (outcomes: PostOutcome[]) => void = () => {},
): Job {
  return {
    name: 'scheduled-posts',
    schedule: '* * * * *',
    distributed: true,
    // Slots missed while the bot was stopped are sent (or skipped) at once.
    runAtStart: true,
    run: async () => {
      onOutcomes(await posts.runDue());
      const day = 24 * 60 * 60 * 1000;
      await claims.prune(new Date(clock().getTime() - day), new Date(clock().getTime() - 30 * day));
    },
  };
}
