// The edits of a /grade reply, on a clock the test moves: the steps shown only move forward,
// progress edits are at least a second apart, and the result goes out at once and stays.
import type { APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { problemCatalog } from '../../problems/index.ts';
import { GradeReplies, type ReplyPayload } from '../../src/bot/grade-replies.ts';
import type { GradeStatusView } from '../../src/bot/ui/grade-messages.ts';
import type { Submission } from '../../src/submissions/submission-service.ts';
import { ManualTimers } from '../support/manual-timers.ts';

/** What the member's reply showed after an edit, and when (ms on the test's clock). */
type Shown = { at: number; text: string };

const submission = (id: number) => ({ id, problemId: 'mnist', fileName: 'model.h5' }) as Submission;

/** The step a progress embed marks as current (with its detail), or the title of a final reply. */
function shownText(payload: ReplyPayload): string {
  if (typeof payload === 'string' || !('embeds' in payload) || !payload.embeds) return String(payload);
  const embed = payload.embeds[0] as { toJSON(): APIEmbed };
  const json = embed.toJSON();
  const current = json.description?.split('\n').findIndex((line) => line.startsWith('⏳'));
  if (current === undefined || current < 0) return json.title ?? '';
  const lines = json.description!.split('\n');
  return [lines[current], lines[current + 1]?.startsWith('▰') || lines[current + 1]?.startsWith('▱') ? lines[current + 1].split(' ').pop() : undefined]
    .filter(Boolean)
    .join(' ');
}

function setUp() {
  const timers = new ManualTimers();
  const shown = new Map<number, Shown[]>();
  const errors: unknown[] = [];
  const replies = new GradeReplies({
    catalog: problemCatalog,
    timers,
    edit: async (s, payload) => {
      shown.set(s.id, [...(shown.get(s.id) ?? []), { at: timers.now(), text: shownText(payload) }]);
    },
    onError: (error) => errors.push(error),
    unbuiltFinalReply: () => final('could not be drawn'),
  });
  /** Lets the edits already on their way reach the recorder. */
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  /** Moves the clock, then lets whatever that sent arrive. */
  const wait = async (ms: number) => {
    await timers.advance(ms);
    await settle();
  };
  return { timers, shown, errors, replies, settle, wait };
}

const final = (title: string) => ({ embeds: [{ toJSON: () => ({ title }) }] }) as unknown as ReplyPayload;
const grading = (progress: Extract<GradeStatusView, { step: 'grading' }>['progress']): GradeStatusView => ({ step: 'grading', progress });

describe('the edits of a /grade reply', () => {
  it('sends a fast grade as two edits: the download, then the result at once, whatever came between', async () => {
    const { replies, shown, wait, settle, timers } = setUp();
    const s = submission(1);
    await replies.progress(s, { step: 'downloading' });
    // Seven more updates within 250 ms, as a fast grade reports them.
    const updates: GradeStatusView[] = [
      { step: 'queued', position: 1 },
      grading({ stage: 'importing' }),
      grading({ stage: 'queued' }),
      grading({ stage: 'importing' }),
      grading({ stage: 'evaluating', fraction: 0 }),
      grading({ stage: 'evaluating', fraction: 1 }),
      grading({ stage: 'scoring' }),
    ];
    for (const update of updates) {
      await wait(30);
      void replies.progress(s, update);
    }
    await wait(40);
    await replies.final(s, final('MNIST: 5/5'));
    await settle();
    expect(shown.get(1)).toEqual([
      { at: 0, text: '⏳ Downloading' },
      { at: 250, text: 'MNIST: 5/5' },
    ]);
    // Nothing was left waiting to overwrite the result.
    expect(timers.waiting).toBe(0);
    await wait(5_000);
    expect(shown.get(1)).toHaveLength(2);
  });

  it('shows the latest step once a second, never a step behind one already shown, and the result at once', async () => {
    const { replies, shown, wait, settle } = setUp();
    const s = submission(2);
    const at = async (ms: number, view: GradeStatusView) => {
      await wait(ms);
      void replies.progress(s, view);
      await settle();
    };
    await at(0, { step: 'downloading' }); // t = 0: sent at once
    await at(100, { step: 'queued', position: 2 }); // waits for t = 1000 ...
    await at(500, { step: 'queued', position: 1 }); // ... and is replaced by the newer position
    await at(600, grading({ stage: 'importing' })); // t = 1200: waits for t = 2000
    await at(300, grading({ stage: 'queued' })); // the grader's own queue, behind Importing: dropped
    await at(1_000, grading({ stage: 'evaluating', fraction: 0.1 })); // t = 2500: waits for 3000
    await at(400, grading({ stage: 'evaluating', fraction: 0.4 })); // t = 2900: replaces it
    await at(100, grading({ stage: 'importing' })); // behind Evaluating: dropped
    await at(200, grading({ stage: 'evaluating', fraction: 0.3 })); // less than shown: dropped
    await at(600, grading({ stage: 'evaluating', fraction: 0.9 })); // t = 3800: waits for 4000
    await wait(100);
    await replies.final(s, final('MNIST: 5/5')); // t = 3900
    await at(50, grading({ stage: 'scoring' })); // after the result: dropped
    await wait(10_000);
    expect(shown.get(2)).toEqual([
      { at: 0, text: '⏳ Downloading' },
      { at: 1_000, text: '⏳ Queued (next)' },
      { at: 2_000, text: '⏳ Importing the model' },
      { at: 3_000, text: '⏳ Evaluating 40%' },
      { at: 3_900, text: 'MNIST: 5/5' },
    ]);
    const progressTimes = shown.get(2)!.slice(0, -1).map((edit) => edit.at);
    for (let i = 1; i < progressTimes.length; i++) expect(progressTimes[i] - progressTimes[i - 1]).toBeGreaterThanOrEqual(1_000);
  });

  it('sends a step at once when the last edit is a second old', async () => {
    const { replies, shown, wait } = setUp();
    const s = submission(3);
    await replies.progress(s, { step: 'downloading' });
    await wait(1_500);
    await replies.progress(s, grading({ stage: 'importing' }));
    expect(shown.get(3)).toEqual([
      { at: 0, text: '⏳ Downloading' },
      { at: 1_500, text: '⏳ Importing the model' },
    ]);
  });

  it('sends the result after an edit already on its way, never before it', async () => {
    const timers = new ManualTimers();
    const sent: string[] = [];
    let releaseFirst!: () => void;
    const firstDone = new Promise<void>((resolve) => (releaseFirst = resolve));
    const replies = new GradeReplies({
      catalog: problemCatalog,
      timers,
      edit: async (_s, payload) => {
        const text = shownText(payload);
        if (sent.length === 0) {
          sent.push(`${text} (started)`);
          await firstDone;
        }
        sent.push(text);
      },
      onError: (error) => {
        throw error;
      },
      unbuiltFinalReply: () => final('could not be drawn'),
    });
    const s = submission(4);
    const first = replies.progress(s, { step: 'downloading' });
    const result = replies.final(s, final('MNIST: 4/5'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual(['⏳ Downloading (started)']);
    releaseFirst();
    await Promise.all([first, result]);
    expect(sent).toEqual(['⏳ Downloading (started)', '⏳ Downloading', 'MNIST: 4/5']);
  });

  it('throttles each reply on its own', async () => {
    const { replies, shown, wait } = setUp();
    await replies.progress(submission(5), { step: 'downloading' });
    await wait(10);
    await replies.progress(submission(6), { step: 'downloading' });
    expect(shown.get(5)).toEqual([{ at: 0, text: '⏳ Downloading' }]);
    expect(shown.get(6)).toEqual([{ at: 10, text: '⏳ Downloading' }]);
  });

  it('reports a result that could not be built and says so in the reply, even when it fails while an edit is on its way', async () => {
    const { replies, shown, errors, settle } = setUp();
    const s = submission(7);
    await replies.progress(s, { step: 'downloading' });
    await replies.final(s, Promise.reject(new Error('the chart could not be drawn')));
    expect(errors).toEqual([new Error('the chart could not be drawn')]);
    expect(shown.get(7)).toEqual([
      { at: 0, text: '⏳ Downloading' },
      { at: 0, text: 'could not be drawn' },
    ]);

    // The result fails to build while the progress edit before it is still being sent: nothing is
    // left unhandled (the process would end), and the reply still ends.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let release!: () => void;
      const inFlight = new Promise<void>((resolve) => (release = resolve));
      const sent: string[] = [];
      const slow = new GradeReplies({
        catalog: problemCatalog,
        timers: new ManualTimers(),
        edit: async (_s, payload) => {
          if (sent.length === 0) await inFlight;
          sent.push(shownText(payload));
        },
        onError: (error) => errors.push(error),
        unbuiltFinalReply: () => final('could not be drawn'),
      });
      const t = submission(8);
      const progress = slow.progress(t, { step: 'downloading' });
      let reject!: (error: Error) => void;
      const result = slow.final(t, new Promise<ReplyPayload>((_resolve, fail) => (reject = fail)));
      reject(new Error('no model details'));
      await settle();
      await settle();
      release();
      await Promise.all([progress, result]);
      expect(sent).toEqual(['⏳ Downloading', 'could not be drawn']);
      expect(errors.at(-1)).toEqual(new Error('no model details'));
      await settle();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
