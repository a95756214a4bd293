import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A vega-lite specification (v5), as the report and the notebooks build them. */
export type VegaLiteSpec = TopLevelSpec;

/**
 * Renders a vega-lite spec to SVG headlessly (vega's `renderer: 'none'` view; no browser, no canvas).
 * Data must be inline (`data.values`): a report never loads anything over the network.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Options of {@link renderPng}. */
export interface RenderPngOptions {
  /** Pixel density: 2 gives a sharp chart on a high-DPI screen. @default 2 */
  scale?: number;
  /** Background colour behind transparent parts. @default 'white' */
  background?: string;
}

/** Renders SVG text (from {@link renderSvg}) to PNG bytes with resvg: no system libraries, system fonts if any. */
export function svgToPng(svg: string, options: RenderPngOptions = {}): Uint8Array {
  const { scale = 2, background = 'white' } = options;
  const resvg = new Resvg(svg, {
    background,
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/** Renders a vega-lite spec straight to PNG bytes. */
export async function renderPng(spec: VegaLiteSpec, options: RenderPngOptions = {}): Promise<Uint8Array> {
  return svgToPng(await renderSvg(spec), options);
}
