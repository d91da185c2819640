// Grades stored under an older threshold table get today's points at start, from their stored
// metric value: a board never mixes the old 5/5 of a model that learned nothing with today's scale.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemCatalog, requireProblem } from '../../problems/index.ts';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { thresholdTable } from '../../src/grading/scoring.ts';
import { MockExamService } from '../../src/mockexam/mock-exam-service.ts';
import { GuildSettingsService } from '../../src/settings/guild-settings.ts';
import { SubmissionService } from '../../src/submissions/submission-service.ts';
import { openTestDatabase, testEngines } from '../support/db.ts';
import { createSubmission } from '../support/submissions.ts';

const residuals = { count: 235, mean: 0, meanAbs: 0.1268, rmse: 0.15, maxAbs: 0.5, p50Abs: 0.1, p90Abs: 0.2, p99Abs: 0.4 };

/** A result as grades stored it before baselines: one threshold, the old exam formula's table. */
function oldResult(problem: string, value: number, details: Record<string, unknown>) {
  return {
    problem,
    problemTitle: problem,
    points: 5,
    maxPoints: 5,
    metric: problem === 'sunspots' ? 'mae' : 'accuracy',
    metricName: problem === 'sunspots' ? 'MAE' : 'accuracy',
    value,
    threshold: problem === 'sunspots' ? 0.15 : 0.91,
    thresholds: [{ points: 5, value: problem === 'sunspots' ? 0.16 : 0.91 }],
    sampleCount: problem === 'sunspots' ? 235 : 10_000,
    backend: 'wasm',
    format: 'keras2-h5',
    model: { inputShape: [null, 30, 1], outputShape: [null, 1], inputDtype: 'float32', paramCount: 10, layerCount: 2 },
    timings: { queuedMs: 0, preparationMs: 0, importMs: 1, evaluateMs: 1, totalMs: 2 },
    details,
    hint: 'Full marks: MAE 0.1268 meets the threshold 0.1500.',
    notes: [],
  };
}

describe.each(testEngines)('rescoring stored grades on %s', (engine) => {
  let handle: DatabaseHandle;
  let subs: SubmissionService;
  const clock = new Date('2026-11-25T12:00:00Z');

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    const settings = new GuildSettingsService(handle.db, 'UTC', () => clock);
    const exams = new MockExamService(handle.db, settings, problemCatalog, () => clock);
    subs = new SubmissionService(handle.db, exams, problemCatalog, { perHour: 100 }, () => clock);
  });
  afterAll(async () => handle.close());

  async function stored(userId: string, problemId: string, result: Record<string, unknown>) {
    const created = await createSubmission(subs, { guildId: 'g', userId, userName: userId, problemId, fileName: 'model.h5', fileSha256: `${userId}-${problemId}`, fileSize: 10 });
    if (!created.ok || created.value.kind !== 'queued') throw new Error('not queued');
    await subs.claimNext();
    const value = typeof result.value === 'number' ? result.value : 0;
    await subs.markGraded(created.value.submission.id, { points: 5, metric: 'x', metricValue: value, format: 'keras2-h5', backend: 'wasm', timings: {}, result });
  }

  it('gives old grades the points of today\'s table from their stored value, once', async () => {
    // Always the training mean on sunspots: 5/5 under the old formula, 0 today.
    await stored('ada', 'sunspots', oldResult('sunspots', 0.1268, { kind: 'time-series', residuals }));
    // 95% on MNIST: 5/5 at the old 91%, under today's 96.5% for one point.
    const perClass = Array.from({ length: 10 }, (_, digit) => ({ name: String(digit), total: 1000, correct: 950, accuracy: 0.95 }));
    await stored('bob', 'mnist', oldResult('mnist', 0.95, { kind: 'classification', classNames: [], perClass, confusionMatrix: [], unassignedPredictions: 0, decisionRule: 'argmax' }));
    // A grade whose result is not a grader result (no value, no details) is left alone.
    await stored('cy', 'linear-a', {});

    // A stored classification result whose per-class figures are not a list cannot be rescored:
    // left as it is and reported, the start goes on.
    await stored('dan', 'mnist', oldResult('mnist', 0.95, { kind: 'classification', perClass: 'unreadable' }));

    const first = await subs.rescoreStoredGrades();
    expect(first.changed).toBe(2);
    expect(first.unreadable).toHaveLength(1);
    expect((await subs.bestPoints('g', 'dan')).get('mnist')).toBe(5);
    expect((await subs.bestPoints('g', 'ada')).get('sunspots')).toBe(0);
    expect((await subs.bestPoints('g', 'bob')).get('mnist')).toBe(0);
    expect((await subs.bestPoints('g', 'cy')).get('linear-a')).toBe(5);

    const rows = await handle.db.query.submissions.findMany();
    const sunspots = rows.find((row) => row.problemId === 'sunspots')!.result as Record<string, unknown>;
    expect(sunspots.points).toBe(0);
    expect(sunspots.thresholds).toEqual(thresholdTable(requireProblem('sunspots')).rows);
    expect(sunspots).not.toHaveProperty('threshold');
    expect(sunspots.baselines).toEqual([expect.objectContaining({ id: 'naive', points: 4 }), expect.objectContaining({ id: 'constant', points: 0 })]);
    expect(sunspots.hint).toMatch(/get it to 0\.\d{4} or lower for 1 point/);
    // Today's tables already: nothing to do on the next start.
    expect(await subs.rescoreStoredGrades()).toEqual({ changed: 0, unreadable: first.unreadable });
  });

  it('gives a re-upload of a grade stored under an older table today\'s points', async () => {
    // Stored by a process still on the old table after this one started.
    await stored('eve', 'sunspots', oldResult('sunspots', 0.1268, { kind: 'time-series', residuals }));
    const again = await createSubmission(subs, { guildId: 'g', userId: 'eve', userName: 'eve', problemId: 'sunspots', fileName: 'model.h5', fileSha256: 'eve-sunspots', fileSize: 10 });
    if (!again.ok) throw new Error('refused');
    expect(again.value.kind).toBe('reused');
    expect(again.value.submission.points).toBe(0);
    expect((again.value.submission.result as { points: number }).points).toBe(0);
  });
});
