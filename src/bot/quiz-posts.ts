// Keeps quiz posts in Discord in step with the database: the answer count (edits throttled, from
// whichever process took the click), the reveal when a post closes, and the daily question for the
// scheduled posts. Messages are edited as the bot's own channel messages, which, unlike an
// interaction's reply, stay editable after Discord's 15 minutes, from any process.
import type { Timers } from '../clock.ts';
import type { MessageSender } from './discord-sender.ts';
import type { Job } from '../jobs/job.ts';
import type { Logger } from '../log.ts';
import type { PostView, QuizService } from '../quiz/quiz-service.ts';
import { quizPostMessage } from './ui/quiz-post-messages.ts';

/** At most one count edit per post in this long (Discord rate-limits message edits per channel). */
export const COUNT_EDIT_INTERVAL_MS = 2_000;

export class QuizPosts {
  /** The one pending count edit per post in this process. */
  private readonly pending = new Map<number, unknown>();
  private closed = false;

  constructor(
    private readonly sender: MessageSender,
    private readonly quiz: QuizService,
    private readonly topicName: (topicId: string) => string,
    private readonly timers: Timers,
    private readonly logger: Logger,
  ) {}

  /**
   * Shows a post's answer count: now when no edit was made in the last interval, else once the
   * interval has passed (a later answer's edit, or the quiz job, may show it first).
   */
  async showCount(postId: number): Promise<void> {
    const post = await this.quiz.claimCountEdit(postId, COUNT_EDIT_INTERVAL_MS);
    if (post) {
      await this.edit(post);
      return;
    }
    if (this.closed || this.pending.has(postId)) return;
    const handle = this.timers.setTimeout(() => {
      this.pending.delete(postId);
      void this.quiz
        .claimCountEdit(postId, COUNT_EDIT_INTERVAL_MS)
        .then((later) => (later ? this.edit(later) : undefined))
        .catch((error: unknown) => this.logger.warn({ err: error, post: postId }, 'could not show the quiz answer count'));
    }, COUNT_EDIT_INTERVAL_MS);
    this.pending.set(postId, handle);
  }

  /** showCount without waiting: a failure is logged, the answer it follows is already told. */
  showCountLater(postId: number): void {
    this.showCount(postId).catch((error: unknown) => this.logger.warn({ err: error, post: postId }, 'could not show the quiz answer count'));
  }

  /** Shows a closed post's answer and the share who got it right. */
  reveal(post: PostView): Promise<void> {
    return this.edit(post);
  }

  /**
   * Posts the daily question of a slot (its local date) in a channel: the scheduled posts call
   * this. A slot posted again (a retry) is the same question and, through the dedupe key, the same
   * message. Undefined when the server's banks serve no question.
   */
  async postDaily(guildId: string, channelId: string, slot: string, dedupeKey?: string): Promise<{ postId: number; messageId: string } | undefined> {
    const post = await this.quiz.daily(guildId, channelId, slot);
    if (!post) return undefined;
    const { messageId } = await this.sender.send(channelId, quizPostMessage(post, this.topicName), dedupeKey);
    await this.quiz.recordMessage(post.id, channelId, messageId);
    return { postId: post.id, messageId };
  }

  /** Reveals the posts whose time is up and shows counts that no edit has shown yet. */
  async sweep(): Promise<void> {
    for (const post of await this.quiz.closeExpired()) {
      await this.reveal(post).catch((error: unknown) => this.logger.warn({ err: error, post: post.id }, 'could not reveal a closed quiz question'));
    }
    for (const postId of await this.quiz.postsWithStaleCounts()) await this.showCount(postId);
  }

  close(): void {
    this.closed = true;
    for (const handle of this.pending.values()) this.timers.clearTimeout(handle);
    this.pending.clear();
  }

  private async edit(post: PostView): Promise<void> {
    if (!post.channelId || !post.messageId) return;
    await this.sender.edit(post.channelId, post.messageId, quizPostMessage(post, this.topicName));
    if (post.closedAt) return;
    // A close may have revealed the post while this count was on its way, and this edit would
    // then have hidden the answer again: show the reveal last.
    const now = await this.quiz.post(post.guildId, post.id);
    if (now?.closedAt) await this.sender.edit(post.channelId, post.messageId, quizPostMessage(now, this.topicName));
  }
}

/** Closes quiz posts on time, whichever process runs it: each post is revealed once. */
export function quizSweepJob(posts: QuizPosts): Job {
  return {
    name: 'quiz-sweep',
    // Every 30 seconds: a question set to close at 12:00 reveals by 12:00:30.
    schedule: '*/30 * * * * *',
    runAtStart: true,
    run: () => posts.sweep(),
    stop: () => posts.close(),
  };
}
