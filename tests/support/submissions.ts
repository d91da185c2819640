// Submissions whose files are already at hand, for tests of the queue and the standings: what
// /grade does (reserve, then received once the upload is stored) in one call.
import type { Result } from '../../src/result.ts';
import type { AdmissionRefusal, GradeRequestRow, LeaseHolder, ReceivedFiles, Submission, SubmissionService } from '../../src/submissions/submission-service.ts';

export type NewSubmission = GradeRequestRow & ReceivedFiles;

export type CreateResult = Result<{ kind: 'queued' | 'reused'; submission: Submission }, AdmissionRefusal>;

export async function createSubmission(
  submissions: SubmissionService,
  input: NewSubmission,
  holder: LeaseHolder = { owner: 'test', leaseMs: 60_000 },
): Promise<CreateResult> {
  const { fileSha256, fileSize, filesPath, ...request } = input;
  const reserved = await submissions.reserve(request, holder);
  if (!reserved.ok) return reserved;
  const received = await submissions.received(reserved.value.id, { fileSha256, fileSize, filesPath });
  if (!received) throw new Error(`submission ${reserved.value.id} vanished while it was created`);
  return { ok: true, value: received };
}
