// SVG to PNG with resvg, given only the bundled fonts: the same pixels on a developer machine and in
// a slim container without system fonts. resvg renders on libuv's thread pool (renderAsync): a chart
// takes 10-50 ms of CPU, and on the bot's event loop that would hold up every interaction behind it.
import { renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import { FONT_FAMILY, fontFiles } from './fonts.ts';

const options: ResvgRenderOptions = {
  font: { fontFiles: [fontFiles.regular, fontFiles.bold], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
  fitTo: { mode: 'original' },
  logLevel: 'error',
};

/** Rasterises an SVG document at its own size, off the event loop. Rejects when the SVG does not parse. */
export async function svgToPng(svg: string): Promise<Buffer> {
  return (await renderAsync(svg, options)).asPng();
}
