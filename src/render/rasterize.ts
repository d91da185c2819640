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

let thread: Worker | undefined;
const waiting = new Map<number, Waiting>();
let nextId = 1;

/** The drawing thread, started on first use and again after it died. */
function drawingThread(): Worker {
  if (thread) return thread;
  // A small young generation: the thread's JavaScript objects are tiny wrappers around the native
  // pixels of each picture (1.6 MB for a chart), which are freed only when the wrapper is collected.
  // Collected often, 500 charts in a row stay near 200 MB of RSS instead of climbing.
  const started = new Worker(new URL('./raster-thread.mjs', import.meta.url), { workerData: { options }, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
  started.on('message', ({ id, png, error }: Reply) => {
    const request = waiting.get(id);
    if (!request) return;
    waiting.delete(id);
    // An idle thread does not keep the process alive; one with pictures to draw does.
    if (waiting.size === 0) started.unref();
    if (png) request.resolve(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
    else request.reject(new Error(`the picture could not be drawn: ${error}`));
  });
  const failAll = (error: Error) => {
    if (thread === started) thread = undefined;
    for (const request of waiting.values()) request.reject(error);
    waiting.clear();
  };
  started.on('error', failAll);
  started.on('exit', (code) => failAll(new Error(`the drawing thread exited with code ${code}`)));
  thread = started;
  return started;
}

/** Rasterises an SVG document at its own size, off the event loop. Rejects when the SVG does not parse. */
export function svgToPng(svg: string): Promise<Buffer> {
  const worker = drawingThread();
  const id = nextId++;
  return new Promise<Buffer>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker.ref();
    worker.postMessage({ id, svg });
  });
}
