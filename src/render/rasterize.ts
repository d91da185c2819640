// SVG to PNG with resvg, given only the bundled fonts: the same pixels on a developer machine and in
// a slim container without system fonts.
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { FONT_FAMILY, fontFiles } from './fonts.ts';

const options: ResvgRenderOptions = {
  font: { fontFiles: [fontFiles.regular, fontFiles.bold], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
  fitTo: { mode: 'original' },
  logLevel: 'error',
};

/** Rasterises an SVG document at its own size. Throws when the SVG does not parse. */
export function svgToPng(svg: string): Buffer {
  return new Resvg(svg, options).render().asPng();
}
