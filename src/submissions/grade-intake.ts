// /grade's intake: judges the declared uploads, downloads them (size-capped, hashed) into the
// upload store, records the submission and wakes the grading queue. The command only renders what
// this returns.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ProblemDefinition } from '../grading/problem-types.ts';
import { MemberError } from '../member-error.ts';
import { ConcurrencyLimit } from '../concurrency-limit.ts';
import { ok, refused, type Result } from '../result.ts';
import { downloadToFile } from './download.ts';
import type { LeaseHolder, Submission, SubmissionService } from './submission-service.ts';
import { checkDeclaredUploads } from './upload-names.ts';
import { UploadStore } from './upload-store.ts';

/** An uploaded file as Discord describes it, before anything is downloaded. */
export type Attachment = { url: string; name: string; size: number };

export type GradeRequest = {
  guildId: string;
  userId: string;
  userName: string;
  problem: ProblemDefinition;
  /** The model file first, then its weights file if separate. */
  attachments: Attachment[];
  /** Where the result goes (the interaction that asked), so a restart can still answer. */
  replyTo: Record<string, string | boolean>;
};

export type Accepted =
  | { kind: 'queued'; submission: Submission; position: number }
  /** The member had the same file graded before: its stored result is reused, recorded as this submission. */
  | { kind: 'reused'; submission: Submission };

export type Refusal =
  /** Something about the upload itself (type, size, download); `message` is for the member. */
  | { kind: 'upload'; message: string }
  | { kind: 'busy'; inFlight: Submission }
  | { kind: 'rate-limited'; retryAt: Date; perHour: number };

export type LeaseKeeper = { readonly holder: LeaseHolder; keepLease(id: number): () => void };

export type GradeIntakeOptions = {
  submissions: SubmissionService;
  uploads: UploadStore;
  /** Called once a submission is queued (the grading queue's wake-up). */
  onQueued(): void;
  /** Holds the reservation's lease while its upload downloads (the grading queue renews it). */
  leases: LeaseKeeper;
  maxUploadBytes: number;
  downloadTimeoutMs: number;
  /**
   * Requests admitted at once, and uploads downloaded and stored at once (default 4 each); more wait
   * their turn. A hundred /grade at once would otherwise take every database connection from the
   * interactions that arrive with them.
   */
  concurrency?: number;
};

export class GradeIntake {
  private readonly admissions: ConcurrencyLimit;
  private readonly downloads: ConcurrencyLimit;

  constructor(private readonly options: GradeIntakeOptions) {
    this.admissions = new ConcurrencyLimit(options.concurrency ?? 4);
    this.downloads = new ConcurrencyLimit(options.concurrency ?? 4);
  }

  /** Requests waiting to be admitted, and admitted uploads waiting for their turn to download. */
  get waiting(): number {
    return this.admissions.queued + this.downloads.queued;
  }

  /** The checks that need no download, answered at once: empty when the uploads may be fetched. */
  precheck(attachments: ReadonlyArray<Pick<Attachment, 'name' | 'size'>>): string[] {
    return checkDeclaredUploads(
      attachments.map((a) => ({ name: a.name, size: a.size })),
      this.options.maxUploadBytes,
    );
  }

  /**
   * Admits the request (one grade in flight, the hourly cap), then downloads the uploads when its
   * turn comes; each step takes `concurrency` requests at a time, and admitting takes milliseconds.
   * The submission row exists from admission on, under a lease renewed while the upload waits and
   * downloads, so a process killed meanwhile leaves a row the next sweep fails with a message to
   * the member.
   */
  async submit(request: GradeRequest, hooks: { onDownloadStarts?(submission: Submission): void | Promise<void> } = {}): Promise<Result<Accepted, Refusal>> {
    const problems = this.precheck(request.attachments);
    if (problems.length > 0) return refused({ kind: 'upload', message: problems.join('\n') });
    const { uploads, submissions } = this.options;
    const admitted = await this.admissions.run(() => this.admit(request));
    if (!admitted.ok) return admitted;
    const { reserved, folder } = admitted.value;
    const release = this.options.leases.keepLease(reserved.id);
    try {
      // The member's reply says 'downloading' when the download starts: a hundred edits at the
      // moment of a burst would crowd out the interactions arriving with it.
      return await this.downloads.run(async () => {
        await hooks.onDownloadStarts?.(reserved);
        return this.receive(request, reserved, folder);
      });
    } catch (error) {
      await uploads.remove(folder);
      await submissions.abandon(reserved.id);
      throw error;
    } finally {
      release();
    }
  }

  private async admit(request: GradeRequest): Promise<Result<{ reserved: Submission; folder: string }, Refusal>> {
    const { uploads, submissions } = this.options;
    // The row names the folder from the start, so whoever sweeps an interrupted upload removes it.
    const folder = await uploads.newFolder();
    const reserved = await submissions
      .reserve(
        {
          guildId: request.guildId,
          userId: request.userId,
          userName: request.userName,
          problemId: request.problem.id,
          fileName: request.attachments.map((a) => a.name).join(' + '),
          filesPath: folder,
          replyTo: request.replyTo,
        },
        this.options.leases.holder,
      )
      .catch(async (error: unknown) => {
        await uploads.remove(folder);
        throw error;
      });
    if (!reserved.ok) {
      await uploads.remove(folder);
      return reserved;
    }
    return ok({ reserved: reserved.value, folder });
  }

  private async receive(request: GradeRequest, reserved: Submission, folder: string): Promise<Result<Accepted, Refusal>> {
    const { uploads, submissions } = this.options;
    const hashes: string[] = [];
    let totalSize = 0;
    try {
      for (const [index, attachment] of request.attachments.entries()) {
        const downloaded = await downloadToFile({
          url: attachment.url,
          name: attachment.name,
          declaredSize: attachment.size,
          maxBytes: this.options.maxUploadBytes - totalSize,
          timeoutMs: this.options.downloadTimeoutMs,
          destination: join(folder, UploadStore.fileName(index, attachment.name)),
        });
        hashes.push(downloaded.sha256);
        totalSize += downloaded.size;
      }
    } catch (error) {
      await uploads.remove(folder);
      if (!(error instanceof MemberError)) throw error;
      await submissions.abandon(reserved.id);
      return refused({ kind: 'upload', message: error.memberMessage });
    }
    // Kept where every grader can read them before the submission is queued for one.
    const kept = await uploads.keep(folder, reserved.id);
    const received = await submissions.received(reserved.id, {
      fileSha256: hashes.length === 1 ? hashes[0] : createHash('sha256').update(hashes.join(':')).digest('hex'),
      fileSize: totalSize,
      filesPath: kept,
    });
    if (received?.kind !== 'queued') await uploads.remove(kept);
    if (!received) {
      // The reservation was swept (the download outlived its lease) or deleted by the member.
      return refused({ kind: 'upload', message: 'Your upload took too long to arrive and was dropped. Please send it again.' });
    }
    if (received.kind === 'reused') return ok({ kind: 'reused', submission: received.submission });
    const position = await submissions.queuePosition(received.submission.id);
    this.options.onQueued();
    return ok({ kind: 'queued', submission: received.submission, position });
  }
}
