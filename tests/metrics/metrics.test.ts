import { afterEach, describe, expect, it } from 'vitest';
import { submissions } from '../../src/db/schema.ts';
import { Metrics } from '../../src/metrics/metrics.ts';
import { SubmissionService } from '../../src/submissions/submission-service.ts';
import { MockExamService } from '../../src/mockexam/mock-exam-service.ts';
import { GuildSettingsService } from '../../src/settings/guild-settings.ts';
import { problemCatalog } from '../../problems/index.ts';
import { openTestDatabase, testEngines } from '../support/db.ts';
import type { DatabaseHandle } from '../../src/db/client.ts';

const at = (iso: string) => () => new Date(iso);

/** The value of one sample line of the text format, e.g. `grades_total{problem="mnist",outcome="graded"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Metrics', () => {
  it('counts interactions, acknowledgements, grades, grader restarts and scheduled posts in the text format', async () => {
    const metrics = new Metrics({ clock: at('2026-12-01T10:00:00Z'), processMetrics: false });
    metrics.interactionHandled('tip', 'ok');
    metrics.interactionHandled('tip', 'ok');
    metrics.interactionHandled('grade', 'refused');
    metrics.interactionHandled('quiz', 'error');
    metrics.interactionAcknowledged(0.04);
    metrics.interactionAcknowledged(2.5);
    metrics.gradeFinished({ problemId: 'mnist', status: 'graded', errorCode: null, startedAt: new Date('2026-12-01T10:00:00Z'), finishedAt: new Date('2026-12-01T10:00:12Z') });
    metrics.gradeFinished({ problemId: 'mnist', status: 'failed', errorCode: 'wrong-input-shape', startedAt: new Date('2026-12-01T10:01:00Z'), finishedAt: new Date('2026-12-01T10:01:03Z') });
    // A grade failed by a sweep after its process died has no start: counted, but not timed.
    metrics.gradeFinished({ problemId: 'imdb', status: 'failed', errorCode: 'grader-crashed', startedAt: null, finishedAt: new Date('2026-12-01T10:02:00Z') });
    metrics.graderRestarted();
    metrics.scheduledPostsRun([
      { kind: 'daily-tip', outcome: 'sent' },
      { kind: 'daily-tip', outcome: 'sent' },
      { kind: 'reminder', outcome: 'skipped' },
    ]);

    const text = await metrics.text();
    expect(sample(text, 'interactions_total{command="tip",outcome="ok"}')).toBe(2);
    expect(sample(text, 'interactions_total{command="grade",outcome="refused"}')).toBe(1);
    expect(sample(text, 'interactions_total{command="quiz",outcome="error"}')).toBe(1);
    expect(sample(text, 'interaction_ack_seconds_count')).toBe(2);
    expect(sample(text, 'interaction_ack_seconds_bucket{le="0.05"}')).toBe(1);
    expect(sample(text, 'interaction_ack_seconds_bucket{le="3"}')).toBe(2);
    expect(sample(text, 'grades_total{problem="mnist",outcome="graded"}')).toBe(1);
    expect(sample(text, 'grades_total{problem="mnist",outcome="wrong-input-shape"}')).toBe(1);
    expect(sample(text, 'grades_total{problem="imdb",outcome="grader-crashed"}')).toBe(1);
    expect(sample(text, 'grade_duration_seconds_count{problem="mnist"}')).toBe(2);
    expect(sample(text, 'grade_duration_seconds_sum{problem="mnist"}')).toBe(15);
    expect(sample(text, 'grade_duration_seconds_count{problem="imdb"}')).toBeUndefined();
    expect(sample(text, 'grader_restarts_total')).toBe(1);
    expect(sample(text, 'scheduled_posts_total{kind="daily-tip",outcome="sent"}')).toBe(2);
    expect(sample(text, 'scheduled_posts_total{kind="reminder",outcome="skipped"}')).toBe(1);
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('keeps the counts of two instances apart, and includes the process metrics', async () => {
    const first = new Metrics({ clock: at('2026-12-01T10:00:00Z') });
    const second = new Metrics({ clock: at('2026-12-01T10:00:00Z') });
    first.interactionHandled('tip', 'ok');
    const text = await second.text();
    expect(sample(text, 'interactions_total{command="tip",outcome="ok"}')).toBeUndefined();
    // The lag may be 0 on an idle loop: only its presence is certain.
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    for (const name of ['nodejs_heap_size_used_bytes', 'process_resident_memory_bytes']) {
      expect(sample(text, name), name).toBeGreaterThan(0);
    }
  });

  it('reports the uploads waiting for their turn, read at each scrape', async () => {
    const metrics = new Metrics({ clock: at('2026-12-01T10:00:00Z'), processMetrics: false });
    expect(sample(await metrics.text(), 'uploads_waiting')).toBeUndefined();
    let waiting = 0;
    metrics.watchUploadsWaiting(() => waiting);
    expect(sample(await metrics.text(), 'uploads_waiting')).toBe(0);
    waiting = 37;
    expect(sample(await metrics.text(), 'uploads_waiting')).toBe(37);
  });

  it('reports the queue gauges as NaN when the queue cannot be read in time, and answers the scrape', async () => {
    const hanging = new Metrics({ clock: at('2026-12-01T10:00:00Z'), processMetrics: false, queueTimeoutMs: 50, readQueue: () => new Promise(() => {}) });
    const failing = new Metrics({ clock: at('2026-12-01T10:00:00Z'), processMetrics: false, readQueue: () => Promise.reject(new Error('connection refused')) });
    for (const metrics of [hanging, failing]) {
      const text = await metrics.text();
      expect(sample(text, 'queue_depth')).toBeNaN();
      expect(sample(text, 'oldest_queued_age_seconds')).toBeNaN();
    }
  });

  describe.each(testEngines)('queue gauges on %s', (engine) => {
    let database: DatabaseHandle | undefined;
    afterEach(async () => {
      await database?.close();
      database = undefined;
    });

    it('reads the depth and the oldest queued age from the database at each scrape, on the app clock', async () => {
      database = await openTestDatabase(engine);
      let now = new Date('2026-12-01T10:00:00Z');
      const clock = () => now;
      const mockExam = new MockExamService(database.db, new GuildSettingsService(database.db, 'UTC', clock), problemCatalog, clock);
      const service = new SubmissionService(database.db, mockExam, problemCatalog, { perHour: 10 }, clock);
      const metrics = new Metrics({ clock, processMetrics: false, readQueue: () => service.queueState() });
      let text = await metrics.text();
      expect(sample(text, 'queue_depth')).toBe(0);
      expect(sample(text, 'oldest_queued_age_seconds')).toBe(0);

      const row = { guildId: 'g1', userName: 'student', problemId: 'mnist', weight: 1, week: '2026-W49', fileName: 'model.h5', fileSha256: 'x', fileSize: 1 };
      await database.db.insert(submissions).values([
        { ...row, userId: 'u1', status: 'queued', createdAt: new Date('2026-12-01T09:58:30Z') },
        { ...row, userId: 'u2', status: 'queued', createdAt: new Date('2026-12-01T09:59:30Z') },
        // Neither running nor finished grades are waiting.
        { ...row, userId: 'u3', status: 'running', createdAt: new Date('2026-12-01T09:00:00Z') },
        { ...row, userId: 'u4', status: 'graded', createdAt: new Date('2026-12-01T08:00:00Z') },
      ]);
      text = await metrics.text();
      expect(sample(text, 'queue_depth')).toBe(2);
      expect(sample(text, 'oldest_queued_age_seconds')).toBe(90);
      now = new Date('2026-12-01T10:01:00Z');
      expect(sample(await metrics.text(), 'oldest_queued_age_seconds')).toBe(150);
    });
  });
});
