/**
 * The one Vega-Lite config every chart gets: the same font family in the spec as the font file
 * that draws the PNG (DejaVu Sans from the dejavu-fonts-ttf package), white background, common
 * sizes. The runner applies it before writing <chart>.vl.json, so a spec on disk renders the
 * same anywhere.
 */
import { createRequire } from 'node:module';
import type { Config } from 'vega-lite';
import type { VegaLiteSpec } from './experiment.ts';

export const FONT_FAMILY = 'DejaVu Sans';

const resolveFont = (file: string): string => createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${file}`);

/** The font files resvg loads (regular for labels, bold for titles); no system fonts. */
export const FONT_FILES: readonly string[] = [resolveFont('DejaVuSans.ttf'), resolveFont('DejaVuSans-Bold.ttf')];

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export function chartConfig(): Config {
  return {
    font: FONT_FAMILY,
    background: 'white',
    padding: 8,
    // Every mark shows its fields on hover in the report page (interactive.ts); the SVG and PNG ignore it.
    mark: { tooltip: true },
    view: { continuousWidth: 360, continuousHeight: 220, stroke: '#ccc' },
    title: { fontSize: 14, anchor: 'start', offset: 10 },
    axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' },
    legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 320 },
    header: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal' },
  };
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Deep merge of plain objects; `over` wins. */
function merge(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isPlain(v) && isPlain(out[k]) ? merge(out[k] as Plain, v) : v;
  return out;
}

/** The spec with $schema and the shared config; the spec's own config entries win. */
export function withChartConfig(spec: VegaLiteSpec): VegaLiteSpec {
  const own = (spec as { config?: Plain }).config ?? {};
  return { $schema: VEGA_LITE_SCHEMA, ...spec, config: merge(chartConfig() as Plain, own) } as VegaLiteSpec;
}
