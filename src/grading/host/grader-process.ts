// The grader the bot uses: the worker pool runs in a child process (grading-host.ts). A model that
// exhausts memory, or crashes the runtime, ends that process only: its grades fail with
// GraderCrashedError, and the next grade starts a new process. A watchdog also ends the process
// when its resident memory passes `memoryLimitMb`, before the machine's own out-of-memory killer
// would pick a process (possibly the bot).
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Logger } from '../../log.ts';
import { GraderError, resolveLimits, type Grader, type GradeProgress, type GradeRequest, type GradeResult, type GraderOptions } from '../grader.ts';
import { deserializeError, GraderCrashedError, type FromHost, type ToHost } from './protocol.ts';

const hostEntry = new URL('./entry.mjs', import.meta.url);

export type GraderProcessOptions = Omit<GraderOptions, 'logger'> & {
  logger?: Logger;
  /** Level of the grading process's own log lines (they share the bot's output). */
  logLevel: string;
  /** Resident memory of the grading process (all its workers) past which it is ended. */
  memoryLimitMb: number;
  /** The grading process ended other than at close() (a crash, the memory watchdog); the next grade starts another. */
  onEnded?(reason: string): void;
  /** CPU niceness of the grading process (0-19; default: the bot's own): grading yields to interactions. */
  nice?: number;
};

type Pending = { resolve(result: GradeResult): void; reject(error: Error): void; onProgress?(progress: GradeProgress): void };

/** Resident memory of a process in MB, from /proc (undefined where there is none). */
function residentMb(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

export type GraderProcess = Grader & { readonly processId: number | undefined };

export function createGraderProcess(options: GraderProcessOptions): GraderProcess {
  const { logger, logLevel, memoryLimitMb, onEnded, nice, ...graderOptions } = options;
  const limits = resolveLimits(graderOptions);
  const pending = new Map<number, Pending>();
  let child: ChildProcess | undefined;
  let ready: Promise<void> | undefined;
  let endedBecause: string | undefined;
  let nextId = 1;
  let closed = false;
  let watchdog: NodeJS.Timeout | undefined;

  function start(): Promise<void> {
    const started = fork(hostEntry, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child = started;
    endedBecause = undefined;
    const onMessage = (message: FromHost) => {
      if (message.type === 'ready') return;
      const waiting = pending.get(message.id);
      if (!waiting) return;
      if (message.type === 'progress') {
        waiting.onProgress?.(message.progress);
        return;
      }
      pending.delete(message.id);
      if (message.type === 'result') waiting.resolve(message.result);
      else waiting.reject(deserializeError(message.error));
    };
    started.on('message', onMessage);
    started.once('exit', (code, signal) => {
      if (child === started) child = undefined;
      clearInterval(watchdog);
      watchdog = undefined;
      const reason = endedBecause ?? `exit code ${code ?? signal}`;
      if (pending.size > 0) logger?.error({ reason, grades: pending.size }, 'the grading process ended while it graded');
      if (!closed) onEnded?.(reason);
      for (const [id, waiting] of pending) {
        pending.delete(id);
        waiting.reject(new GraderCrashedError(reason));
      }
    });
    const init: ToHost = { type: 'init', options: { ...graderOptions, logLevel, nice } };
    started.send(init);
    ready = new Promise<void>((resolve, reject) => {
      const onReady = (message: FromHost) => {
        if (message.type !== 'ready') return;
        started.off('message', onReady);
        resolve();
      };
      started.on('message', onReady);
      started.once('exit', (code) => reject(new GraderError(`The grading process could not start (exit code ${code}).`)));
    });
    return ready;
  }

  /** Ends the grading process when it holds more memory than allowed (checked while grades run). */
  function watch(): void {
    if (watchdog) return;
    watchdog = setInterval(() => {
      const pid = child?.pid;
      const mb = pid === undefined ? undefined : residentMb(pid);
      if (mb === undefined || mb <= memoryLimitMb) return;
      endedBecause = `it used ${Math.round(mb)} MB of memory, over the ${memoryLimitMb} MB allowed`;
      child?.kill('SIGKILL');
    }, 250);
    watchdog.unref();
  }

  async function grade(request: GradeRequest, gradeOptions: { onProgress?(progress: GradeProgress): void; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<GradeResult> {
    if (closed) throw new GraderError('The grader is closed');
    gradeOptions.signal?.throwIfAborted();
    if (!child) await start();
    else await ready;
    // Cancelled while the process started: the listener below would come too late to hear it.
    gradeOptions.signal?.throwIfAborted();
    const running = child;
    if (!running) throw new GraderError('The grading process ended before the grade started');
    const id = nextId++;
    return new Promise<GradeResult>((resolve, reject) => {
      const onAbort = () => running.connected && running.send({ type: 'cancel', id } satisfies ToHost);
      pending.set(id, {
        resolve: (result) => (gradeOptions.signal?.removeEventListener('abort', onAbort), resolve(result)),
        reject: (error) => (gradeOptions.signal?.removeEventListener('abort', onAbort), reject(error)),
        onProgress: gradeOptions.onProgress,
      });
      gradeOptions.signal?.addEventListener('abort', onAbort, { once: true });
      running.send({ type: 'grade', id, request, timeoutMs: gradeOptions.timeoutMs } satisfies ToHost);
      watch();
    });
  }

  return {
    grade,
    limits,
    get processId() {
      return child?.pid;
    },
    async close() {
      if (closed) return;
      closed = true;
      const running = child;
      if (!running) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      if (running.connected) running.send({ type: 'close' } satisfies ToHost);
      // A process that does not end by itself is ended.
      const timer = setTimeout(() => running.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
