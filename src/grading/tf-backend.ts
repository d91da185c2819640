// Picks the fastest TensorFlow.js backend that works in this thread.
//
// Order: @tensorflow/tfjs-node (native; an optional dependency that often cannot install), then
// @tensorflow/tfjs with the wasm backend (single-threaded in Node: run one per worker thread to
// use several cores), then the pure JS cpu backend. Loaded lazily with dynamic imports so that
// modules Discord commands import never pull tfjs in at start-up.
import { createRequire } from 'node:module';
import path from 'node:path';

export type Tf = typeof import('@tensorflow/tfjs');
export type TfBackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface LoadedTf {
  tf: Tf;
  backend: TfBackendName;
}

export interface LoadTfOptions {
  /** Backend to try first; the others remain fallbacks in the usual order. */
  prefer?: TfBackendName;
  logger?: BackendLogger;
}

/** The part of a pino logger used here (a pino Logger fits). */
interface BackendLogger {
  info(details: object, message: string): void;
  debug(details: object, message: string): void;
}

const defaultOrder: TfBackendName[] = ['tensorflow', 'wasm', 'cpu'];

// One entry per thread (module state is per worker_thread). Keyed by the preferred backend so a
// caller asking for 'cpu' explicitly gets cpu even after another caller got wasm.
const cache = new Map<string, Promise<LoadedTf>>();

/** Directory of the wasm binaries shipped in @tensorflow/tfjs-backend-wasm, with a trailing slash. */
export function wasmBinaryDirectory(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
  // setWasmPaths takes a prefix that file names are appended to: it needs the trailing separator.
  return path.dirname(entry) + path.sep;
}

export async function loadTf(options: LoadTfOptions = {}): Promise<LoadedTf> {
  const key = options.prefer ?? 'default';
  let loaded = cache.get(key);
  if (!loaded) {
    loaded = pickBackend(options);
    cache.set(key, loaded);
    // A failed load (nothing worked) must not poison the cache for the next attempt.
    loaded.catch(() => cache.delete(key));
  }
  const result = await loaded;
  // tfjs has one engine per thread: another caller may have switched it since.
  if (result.tf.getBackend() !== result.backend && !(await result.tf.setBackend(result.backend))) {
    throw new Error(`TensorFlow.js backend ${result.backend} could not be restored`);
  }
  return result;
}

async function pickBackend(options: LoadTfOptions): Promise<LoadedTf> {
  const order = options.prefer
    ? [options.prefer, ...defaultOrder.filter((name) => name !== options.prefer)]
    : defaultOrder;
  const failures: string[] = [];
  for (const backend of order) {
    try {
      const tf = await tryBackend(backend);
      if (tf) {
        options.logger?.info({ backend, failures }, `TensorFlow.js backend: ${backend}`);
        return { tf, backend };
      }
      failures.push(`${backend}: not available`);
    } catch (error) {
      failures.push(`${backend}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    options.logger?.debug({ backend, reason: failures.at(-1) }, 'TensorFlow.js backend unavailable');
  }
  throw new Error(`No TensorFlow.js backend could start: ${failures.join('; ')}`);
}

async function tryBackend(backend: TfBackendName): Promise<Tf | undefined> {
  switch (backend) {
    case 'tensorflow': {
      // The package name goes through a variable so bundlers and tsc do not require it to exist.
      const nodePackage = '@tensorflow/tfjs-node';
      const tf = unwrapModule<Tf>(await import(nodePackage));
      return (await tf.setBackend('tensorflow')) ? tf : undefined;
    }
    case 'wasm': {
      const tf = unwrapModule<Tf>(await import('@tensorflow/tfjs'));
      const wasm = unwrapModule<typeof import('@tensorflow/tfjs-backend-wasm')>(
        await import('@tensorflow/tfjs-backend-wasm'),
      );
      wasm.setWasmPaths(wasmBinaryDirectory());
      // setBackend resolves false (and logs) rather than throwing when the backend fails to start.
      const started = await withoutRethrowingHandlers(() => tf.setBackend('wasm'));
      return started ? tf : undefined;
    }
    case 'cpu': {
      const tf = unwrapModule<Tf>(await import('@tensorflow/tfjs'));
      return (await tf.setBackend('cpu')) ? tf : undefined;
    }
  }
}

const processErrorEvents = ['uncaughtException', 'unhandledRejection'] as const;

/**
 * Runs `start` and then removes the process error handlers it added that only rethrow.
 *
 * The Emscripten glue of @tensorflow/tfjs-backend-wasm, when it starts in Node, adds
 * `process.on('uncaughtException', (ex) => { throw ex })` and
 * `process.on('unhandledRejection', (reason) => { throw reason })` to the thread's process. A
 * handler that throws makes Node end the thread at once with exit code 7, whatever other handlers
 * would have done: one stray rejection in a thread that loaded the backend (a grading worker; a
 * test process that builds models, where it kills the test runner's child process) ends it instead
 * of being logged or reported. Only listeners that are new and rethrow are removed; handlers the
 * application installed stay.
 */
async function withoutRethrowingHandlers<T>(start: () => Promise<T>): Promise<T> {
  type Listener = (...args: unknown[]) => void;
  const listeners = (event: (typeof processErrorEvents)[number]): Listener[] =>
    (event === 'uncaughtException' ? process.listeners(event) : process.listeners(event)) as Listener[];
  const before = new Map(processErrorEvents.map((event) => [event, new Set(listeners(event))]));
  try {
    return await start();
  } finally {
    for (const event of processErrorEvents) {
      for (const listener of listeners(event)) {
        if (!before.get(event)!.has(listener) && /\bthrow\s+(ex|reason)\b/.test(String(listener))) {
          process.removeListener(event, listener);
        }
      }
    }
  }
}

// tfjs ships CommonJS for Node: depending on the loader, its exports sit on the namespace or on
// its `default`.
function unwrapModule<T>(namespace: unknown): T {
  const candidate = namespace as { default?: unknown; setBackend?: unknown; setWasmPaths?: unknown };
  if (candidate.setBackend || candidate.setWasmPaths) return namespace as T;
  return (candidate.default ?? namespace) as T;
}
