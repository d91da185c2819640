// The thread that draws PNGs (see rasterize.ts): resvg's rendering and the PNG encoding after it
// take 10-50 ms a picture, which the bot's event loop cannot spare. Plain JavaScript, so the thread
// needs no TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';

parentPort.on('message', ({ id, svg }) => {
  try {
    const png = new Resvg(svg, workerData.options).render().asPng();
    parentPort.postMessage({ id, png });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
