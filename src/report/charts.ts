/**
 * Vega-Lite spec builders for the common charts: series of (x, y) rows drawn as lines and/or
 * points, coloured and dashed by series, optionally with a shaded band (mean ± sd) and small
 * multiples by column. Experiments may also return hand-written specs; the runner adds the shared
 * config (chart-config.ts) to every spec either way.
 *
 *   seriesChart({
 *     title: 'Test accuracy', values: rows,
 *     x: { field: 'epoch' }, y: { field: 'accuracy', title: 'accuracy (mean ± sd)' },
 *     color: { field: 'rule' }, band: { lower: 'low', upper: 'high' },
 *   })
 *
 * Field names must not contain dots or brackets (Vega-Lite reads those as paths).
 */
import type { VegaLiteSpec } from './experiment.ts';

export type Row = Record<string, string | number | boolean | null>;

export interface Channel {
  field: string;
  /** Axis/legend title; null for none. Default: the field name. */
  title?: string | null;
  /** Default: quantitative for x and y, nominal otherwise. */
  type?: 'quantitative' | 'nominal' | 'ordinal';
  scale?: 'linear' | 'log' | 'symlog';
  /** Include zero in a linear scale. Default: Vega-Lite's choice. */
  zero?: boolean;
  domain?: [number, number];
  /** Order of nominal values. */
  sort?: string[];
  /** d3 number format for axis labels, e.g. '.0e' or '%'. */
  format?: string;
  /** Whole-number ticks only (epochs, counts). */
  integer?: boolean;
}

export interface SeriesChartOptions {
  title: string;
  /** One line, or several. */
  subtitle?: string | string[];
  values: Row[];
  x: Channel;
  y: Channel;
  color?: Channel;
  strokeDash?: Channel;
  /** Small multiples, one per value of this field. */
  column?: Channel & { columns?: number };
  /** How each series is drawn. Default 'line'. */
  mark?: 'line' | 'point' | 'line+point';
  /** Values of the colour field drawn as points instead (e.g. numeric estimates over analytic curves). */
  pointSeries?: string[];
  /** A shaded band between these two fields, in the series' colour (mean ± sd). */
  band?: { lower: string; upper: string };
  /** A horizontal reference line at this y, e.g. a pass mark. */
  rule?: { y: number; label?: string };
  width?: number;
  height?: number;
  /** Give each column its own y scale. */
  independentY?: boolean;
}

/** Powers of ten spanning the positive values (every second one over many decades): tidy log axes. */
export function decades(values: number[]): number[] {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  if (positive.length === 0) return [];
  const lo = Math.floor(Math.log10(Math.min(...positive)) + 1e-9);
  const hi = Math.ceil(Math.log10(Math.max(...positive)) - 1e-9);
  const by = hi - lo > 10 ? 2 : 1;
  const out: number[] = [];
  for (let e = lo; e <= hi; e += by) out.push(Number(`1e${e}`));
  return out;
}

/** `data` (the rows, plus any reference values) sets the tick values of a log axis. */
function encodeChannel(c: Channel, fallback: 'quantitative' | 'nominal', data: number[] = []): Record<string, unknown> {
  const scale: Record<string, unknown> = {};
  if (c.scale && c.scale !== 'linear') scale['type'] = c.scale;
  if (c.zero !== undefined) scale['zero'] = c.zero;
  if (c.domain) scale['domain'] = c.domain;
  const out: Record<string, unknown> = { field: c.field, type: c.type ?? fallback, title: c.title === undefined ? c.field : c.title };
  if (Object.keys(scale).length > 0) out['scale'] = scale;
  if (c.sort) out['sort'] = c.sort;
  const axis: Record<string, unknown> = {};
  if (c.format) axis['format'] = c.format;
  if (c.integer) Object.assign(axis, { tickMinStep: 1, format: c.format ?? 'd' });
  if (c.scale === 'log' && data.length > 0) axis['values'] = decades(data);
  if (Object.keys(axis).length > 0) out['axis'] = axis;
  return out;
}

/** A Vega expression: is datum[field] one of `values`? */
const isOneOf = (field: string, values: string[]): string => `indexof(${JSON.stringify(values)}, datum[${JSON.stringify(field)}]) >= 0`;

const numbers = (rows: Row[], ...fields: (string | undefined)[]): number[] =>
  rows.flatMap((r) => fields.filter((f): f is string => f !== undefined).map((f) => r[f]).filter((v): v is number => typeof v === 'number'));

export function seriesChart(o: SeriesChartOptions): VegaLiteSpec {
  const x = encodeChannel(o.x, 'quantitative', numbers(o.values, o.x.field));
  // With a band the merged legend would draw faded area swatches: ask for solid strokes.
  const colorLegend = o.band ? { legend: { symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 2.5 } } : {};
  const y = encodeChannel(o.y, 'quantitative', [...numbers(o.values, o.y.field, o.band?.lower, o.band?.upper), ...(o.rule ? [o.rule.y] : [])]);
  const common: Record<string, unknown> = { x, y };
  if (o.color) common['color'] = { ...encodeChannel(o.color, 'nominal'), ...colorLegend };
  const lineEncoding: Record<string, unknown> = { ...common };
  if (o.strokeDash) lineEncoding['strokeDash'] = encodeChannel(o.strokeDash, 'nominal');

  const layers: Record<string, unknown>[] = [];
  const pointsOnly = o.pointSeries && o.color ? o.pointSeries : [];
  const lineFilter = pointsOnly.length > 0 ? [{ filter: `!(${isOneOf(o.color!.field, pointsOnly)})` }] : [];
  const mark = o.mark ?? 'line';
  if (mark !== 'point') layers.push({ mark: { type: 'line', strokeWidth: 1.8, point: mark === 'line+point' ? { size: 18 } : false }, encoding: lineEncoding, transform: lineFilter });
  if (mark === 'point') layers.push({ mark: { type: 'point', filled: true, size: 14, opacity: 0.8 }, encoding: lineEncoding, transform: lineFilter });
  if (o.band) {
    // After the lines, so the legend takes its symbols from the lines, not from the band.
    const bandEnc: Record<string, unknown> = { ...common, y: { ...y, field: o.band.lower }, y2: { field: o.band.upper } };
    if (o.strokeDash) bandEnc['detail'] = { field: o.strokeDash.field, type: 'nominal' };
    layers.push({ mark: { type: 'area', opacity: 0.18 }, encoding: bandEnc, transform: lineFilter });
  }
  if (pointsOnly.length > 0) layers.push({ mark: { type: 'point', filled: false, size: 22, strokeWidth: 1.2 }, encoding: common, transform: [{ filter: isOneOf(o.color!.field, pointsOnly) }] });
  if (o.rule) {
    layers.push({ mark: { type: 'rule', strokeDash: [4, 3], color: '#888' }, encoding: { y: { datum: o.rule.y } } });
    if (o.rule.label) layers.push({ mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, dy: -2, color: '#666', fontSize: 10 }, encoding: { x: { value: 0 }, y: { datum: o.rule.y }, text: { value: o.rule.label } } });
  }
  for (const l of layers) if ((l['transform'] as unknown[] | undefined)?.length === 0) delete l['transform'];

  const title = o.subtitle ? { text: o.title, subtitle: o.subtitle } : o.title;
  const size = { width: o.width ?? 360, height: o.height ?? 220 };
  if (o.column) {
    const { columns, ...channel } = o.column;
    return {
      title,
      data: { values: o.values },
      facet: { ...encodeChannel(channel, 'nominal'), header: { title: channel.title ?? null } },
      ...(columns ? { columns } : {}),
      spec: { ...size, layer: layers },
      ...(o.independentY ? { resolve: { scale: { y: 'independent' } } } : {}),
    } as unknown as VegaLiteSpec;
  }
  return { title, data: { values: o.values }, ...size, layer: layers } as unknown as VegaLiteSpec;
}

export interface BarChartOptions {
  title: string;
  subtitle?: string | string[];
  values: Row[];
  /** The categories along x. */
  x: Channel;
  y: Channel;
  /** Side-by-side bars within each category. */
  color?: Channel;
  rule?: { y: number; label?: string };
  width?: number;
  height?: number;
}

/** Grouped bars: one group per x category, one bar per colour value. */
export function barChart(o: BarChartOptions): VegaLiteSpec {
  // Side by side, never stacked (a stacked log scale draws nothing).
  const x = encodeChannel(o.x, 'nominal');
  x['axis'] = { ...(x['axis'] as object | undefined), labelAngle: 0 };
  const encoding: Record<string, unknown> = { x, y: { ...encodeChannel(o.y, 'quantitative', [...numbers(o.values, o.y.field), ...(o.rule ? [o.rule.y] : [])]), stack: null } };
  if (o.color) {
    encoding['color'] = encodeChannel(o.color, 'nominal');
    encoding['xOffset'] = { field: o.color.field, type: 'nominal', ...(o.color.sort ? { sort: o.color.sort } : {}) };
  }
  const layers: Record<string, unknown>[] = [{ mark: { type: 'bar' }, encoding }];
  if (o.rule) {
    layers.push({ mark: { type: 'rule', strokeDash: [4, 3], color: '#555' }, encoding: { y: { datum: o.rule.y } } });
    if (o.rule.label) layers.push({ mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -2, color: '#555', fontSize: 10 }, encoding: { x: { value: o.width ?? 360 }, y: { datum: o.rule.y }, text: { value: o.rule.label } } });
  }
  const title = o.subtitle ? { text: o.title, subtitle: o.subtitle } : o.title;
  return { title, data: { values: o.values }, width: o.width ?? 360, height: o.height ?? 220, layer: layers } as unknown as VegaLiteSpec;
}
