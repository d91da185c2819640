// SVG to PNG with resvg, given only the bundled fonts: the same pixels on a developer machine and in
// a slim container without system fonts. The drawing and the PNG encoding run on a thread of their
// own (raster-thread.mjs): a chart takes 10-50 ms of CPU, and on the bot's event loop that would
// hold up every interaction behind it.
import { Worker } from 'node:worker_threads';
import type { ResvgRenderOptions } from '@resvg/resvg-js';
import { FONT_FAMILY, fontFiles } from './fonts.ts';

const options: ResvgRenderOptions = {
  font: { fontFiles: [fontFiles.regular, fontFiles.bold], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
  fitTo: { mode: 'original' },
  logLevel: 'error',
};

type Reply = { id: number; png?: Uint8Array; error?: string };
type Waiting = { resolve(png: Buffer): void; reject(error: Error): void };
/** A drawing thread and the pictures it was asked for. */
type DrawingThread = { worker: Worker; waiting: Map<number, Waiting> };

let current: DrawingThread | undefined;
let nextId = 1;

/** The drawing thread, started on first use and again after one died. */
function drawingThread(): DrawingThread {
  if (current) return current;
  // A small young generation: the thread's JavaScript objects are tiny wrappers around the native
  // pixels of each picture (1.6 MB for a chart), which are freed only when the wrapper is collected.
  // Collected often, 500 charts in a row stay near 200 MB of RSS instead of climbing.
  const worker = new Worker(new URL('./raster-thread.mjs', import.meta.url), { workerData: { options }, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
  const thread: DrawingThread = { worker, waiting: new Map() };
  // An idle thread does not keep the process alive; one with pictures to draw does.
  const settle = (id: number, outcome: (request: Waiting) => void) => {
    const request = thread.waiting.get(id);
    thread.waiting.delete(id);
    if (thread.waiting.size === 0) worker.unref();
    if (request) outcome(request);
  };
  worker.on('message', ({ id, png, error }: Reply) =>
    settle(id, (request) => (png ? request.resolve(Buffer.from(png.buffer, png.byteOffset, png.byteLength)) : request.reject(new Error(`the picture could not be drawn: ${error}`)))),
  );
  // A thread that fails fails only its own pictures; the next picture starts another thread.
  const failAll = (error: Error) => {
    if (current === thread) current = undefined;
    for (const id of [...thread.waiting.keys()]) settle(id, (request) => request.reject(error));
  };
  worker.on('error', failAll);
  worker.on('messageerror', failAll);
  worker.on('exit', (code) => failAll(new Error(`the drawing thread exited with code ${code}`)));
  current = thread;
  return thread;
}

/** Rasterises an SVG document at its own size, off the event loop. Rejects when the SVG does not parse. */
export function svgToPng(svg: string): Promise<Buffer> {
  const thread = drawingThread();
  const id = nextId++;
  return new Promise<Buffer>((resolve, reject) => {
    thread.waiting.set(id, { resolve, reject });
    thread.worker.ref();
    try {
      thread.worker.postMessage({ id, svg });
    } catch (error) {
      thread.waiting.delete(id);
      if (thread.waiting.size === 0) thread.worker.unref();
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
