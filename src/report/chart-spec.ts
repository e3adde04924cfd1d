/**
 * The typed vocabulary of the chart builders: the parts of a Vega-Lite spec (layers, marks,
 * encodings, titles), taken from vega-lite's own TopLevelSpec so that TypeScript checks every spec
 * an experiment builds, with no casts. A builder returns a VegaLiteSpec; the runner adds the shared
 * config (chart-config.ts) before writing and rendering it.
 */
import type { TopLevelSpec } from 'vega-lite';

/** A data row of a chart. Field names must not contain dots or brackets (Vega-Lite reads those as paths). */
export type Row = Record<string, string | number | boolean | null>;

/** One layer of a layered chart (a mark and its encoding, or a nested layer). */
export type Layer = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];
type UnitLayer = Extract<Layer, { mark: unknown }>;
export type Encoding = NonNullable<UnitLayer['encoding']>;
/** How x or y is drawn: a field with its scale and axis, a datum, or a value. */
export type PositionDef = NonNullable<Encoding['x']>;
export type ColorDef = NonNullable<Encoding['color']>;
export type Title = NonNullable<TopLevelSpec['title']>;
/** A faceted chart (small multiples) and one panel's spec. */
export type FacetChart = Extract<TopLevelSpec, { facet: unknown }>;
export type Panel = FacetChart['spec'];
/** A chart inside a vconcat. */
export type ConcatPart = Extract<TopLevelSpec, { vconcat: unknown }>['vconcat'][number];

/** A title, with a subtitle of one line or several when given. */
export function chartTitle(text: string, subtitle?: string | string[]): Title {
  return subtitle === undefined ? text : { text, subtitle };
}

/** Charts stacked vertically, each keeping its own scales and legends for the given channels. */
export function vconcatCharts(parts: ConcatPart[], independent: ('color' | 'strokeDash')[]): TopLevelSpec {
  const scale = Object.fromEntries(independent.map((c) => [c, 'independent' as const]));
  return { vconcat: parts, resolve: { scale, legend: { color: 'independent' } } };
}
