/**
 * Rendering in Node, no browser:
 *   Vega-Lite spec → vega-lite compile → Vega spec → vega.View (renderer 'none') → SVG
 *   SVG → resvg (DejaVu Sans loaded from its file, no system fonts) → PNG
 * so every machine draws the same pixels.
 */
import { Resvg } from '@resvg/resvg-js';
import { FONT_FAMILY, FONT_FILES, withChartConfig } from './chart-config.ts';
import type { VegaLiteSpec } from './experiment.ts';

// vega takes seconds to load: import it (an ES dynamic import) on the first render, so that
// `localprop list`, bad input and experiment files that are only imported stay quick.
let libraries: Promise<[typeof import('vega'), typeof import('vega-lite')]> | null = null;
const loadLibraries = (): Promise<[typeof import('vega'), typeof import('vega-lite')]> =>
  (libraries ??= Promise.all([import('vega'), import('vega-lite')]));

/**
 * Vega numbers clip paths and gradients from a process-wide counter, so ids depend on what was
 * rendered before. Renaming them `${scope}-1`, `${scope}-2`, … in order of appearance makes the SVG
 * a function of the spec alone and keeps ids unique when many SVGs are inlined in one page.
 */
export function scopeSvgIds(svg: string, scope: string): string {
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\bid="([^"]+)"/g)) if (!ids.has(m[1]!)) ids.set(m[1]!, `${scope}-${ids.size + 1}`);
  if (ids.size === 0) return svg;
  const rename = (id: string): string => ids.get(id) ?? id;
  return svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${rename(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${rename(id)})`)
    .replace(/\b(xlink:href|href)="#([^"]+)"/g, (_, attr: string, id: string) => `${attr}="#${rename(id)}"`);
}

/** The spec (with the shared config applied) as an SVG document. `scope` prefixes its ids. */
export async function renderSvg(spec: VegaLiteSpec, scope = 'chart'): Promise<string> {
  const [vega, { compile }] = await loadLibraries();
  const { spec: vgSpec } = compile(withChartConfig(spec));
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return scopeSvgIds(await view.toSVG(), scope);
  } finally {
    view.finalize();
  }
}

export interface RasterImage {
  width: number;
  height: number;
  /** RGBA, row-major, 4 bytes per pixel. */
  pixels: Uint8Array;
  png: Uint8Array;
}

/** Rasterise an SVG at `scale` × its size, drawing text with the shipped DejaVu Sans. */
export function renderPng(svg: string, scale = 2): RasterImage {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: {
      loadSystemFonts: false,
      fontFiles: [...FONT_FILES],
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  });
  const image = resvg.render();
  return {
    width: image.width,
    height: image.height,
    pixels: new Uint8Array(image.pixels),
    png: new Uint8Array(image.asPng()),
  };
}
