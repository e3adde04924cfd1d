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
import { chartTitle, type ConcatPart, type Encoding, type Layer, type Row } from './chart-spec.ts';
import type { VegaLiteSpec } from './experiment.ts';
import { RULE_NAMES, RULES } from '../rules/index.ts';

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
  /** A nominal colour channel's fixed colours (ruleColour, categoryColour). */
  palette?: { domain: string[]; range: string[]; labelExpr?: string };
  /** A nominal dash channel's fixed dashes (engineDash). */
  dashes?: { domain: string[]; range: number[][]; labelExpr?: string };
}

/**
 * The one registry of how charts name and draw rules and engines: every rule has one colour and one
 * label on every chart, every engine one dash; anything else that needs a colour takes it from
 * OTHER_COLOURS, which shares no colour with the rules. test/report/registry.test.ts walks every
 * committed spec and checks that rule and engine encodings use exactly these.
 */
export const RULE_STYLES: readonly { name: string; label: string; colour: string }[] = RULE_NAMES.map((name) => ({
  name,
  label: RULES[name].label,
  colour: RULES[name].colour,
}));
export const ENGINE_STYLES: readonly { name: string; label: string; dash: number[] }[] = [
  { name: 'matrix', label: 'matrix engine', dash: [1, 0] },
  { name: 'agents', label: 'agents engine', dash: [6, 3] },
  { name: 'continuous', label: 'agents engine, continuous time (leaky neurons)', dash: [2, 2] },
];
/** Colours for everything that is not a rule (activations, modes, data sets, layers, kinds). */
export const OTHER_COLOURS: readonly string[] = [
  '#4c78a8',
  '#b07aa1',
  '#9c755f',
  '#e0b000',
  '#79706e',
  '#76b7e6',
  '#c9a38a',
  '#3b4f7a',
];

/** A rule's entry, by its name (feedback-alignment) or its label (feedback alignment). */
export function ruleStyle(nameOrLabel: string): { name: string; label: string; colour: string } {
  const style = RULE_STYLES.find((r) => r.name === nameOrLabel || r.label === nameOrLabel);
  if (!style) throw new Error(`no rule ${JSON.stringify(nameOrLabel)} in the registry (RULE_STYLES)`);
  return style;
}
export const ruleLabel = (name: string): string => ruleStyle(name).label;
export function engineStyle(name: string): { name: string; label: string; dash: number[] } {
  const style = ENGINE_STYLES.find((r) => r.name === name || r.label === name);
  if (!style) throw new Error(`no engine ${JSON.stringify(name)} in the registry (ENGINE_STYLES)`);
  return style;
}

/** A Vega label expression: the registry's label for each value, the value itself otherwise. */
const labelExpr = (values: readonly string[], label: (v: string) => string): string =>
  `${JSON.stringify(Object.fromEntries(values.map((v) => [v, label(v)])))}[datum.label] || datum.label`;

/**
 * The colour channel for rules: field `rule` holding rule names (or labels), the registry's colour
 * and label for each. `order`: the rules the chart shows, default all of them.
 */
export function ruleColour(order: readonly string[] = RULE_STYLES.map((r) => r.name), title?: string | null): Channel {
  return {
    field: 'rule',
    sort: [...order],
    palette: {
      domain: [...order],
      range: order.map((r) => ruleStyle(r).colour),
      labelExpr: labelExpr(order, ruleLabel),
    },
    ...(title === undefined ? {} : { title }),
  };
}
/** The dash channel for engines: field `engine`, the registry's dash and label for each. */
export function engineDash(
  order: readonly string[] = ENGINE_STYLES.map((e) => e.name),
  title?: string | null,
): Channel {
  return {
    field: 'engine',
    sort: [...order],
    dashes: {
      domain: [...order],
      range: order.map((e) => engineStyle(e).dash),
      labelExpr: labelExpr(order, (e) => engineStyle(e).label),
    },
    ...(title === undefined ? {} : { title }),
  };
}
/** A colour channel for anything that is not a rule: OTHER_COLOURS in order of `order`. */
export function categoryColour(field: string, order: readonly string[], title?: string | null): Channel {
  if (order.length > OTHER_COLOURS.length)
    throw new Error(`categoryColour: ${order.length} categories, only ${OTHER_COLOURS.length} colours`);
  return {
    field,
    sort: [...order],
    palette: { domain: [...order], range: OTHER_COLOURS.slice(0, order.length) },
    ...(title === undefined ? {} : { title }),
  };
}
/** The Vega-Lite colour definition of categoryColour, for a chart written layer by layer. */
export const categoryScale = (order: readonly string[]): { domain: string[]; range: string[] } => ({
  domain: [...order],
  range: OTHER_COLOURS.slice(0, order.length),
});

/** What every chart built here has: a title, its rows, x and y, a colour, a reference line and a size. */
interface ChartOptions {
  title: string;
  /** One line, or several. */
  subtitle?: string | string[];
  values: Row[];
  x: Channel;
  y: Channel;
  color?: Channel;
  /** A horizontal reference line at this y, e.g. a pass mark. */
  rule?: { y: number; label?: string };
  width?: number;
  height?: number;
}

export interface SeriesChartOptions extends ChartOptions {
  strokeDash?: Channel;
  /** Small multiples, one per value of this field. */
  column?: Channel & { columns?: number };
  /** How each series is drawn. Default 'line'. */
  mark?: 'line' | 'point' | 'line+point';
  /** Values of the colour field drawn as points instead (e.g. numeric estimates over analytic curves). */
  pointSeries?: string[];
  /** A shaded band between these two fields, in the series' colour (mean ± sd). */
  band?: { lower: string; upper: string };
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

/** A channel as Vega-Lite reads it: a field, its type and title, and its scale, sort and axis when set. */
interface FieldDef {
  field: string;
  type: 'quantitative' | 'nominal' | 'ordinal';
  title: string | null;
  scale?: {
    type?: 'log' | 'symlog';
    zero?: boolean;
    domain?: [number, number] | string[];
    range?: string[] | number[][];
  };
  sort?: string[];
  legend?: { labelExpr?: string; symbolType?: string; symbolStrokeWidth?: number; symbolOpacity?: number };
  axis?: { format?: string; tickMinStep?: number; values?: number[]; labelAngle?: number };
}

/** `data` (the rows, plus any reference values) sets the tick values of a log axis. */
function encodeChannel(c: Channel, fallback: 'quantitative' | 'nominal', data: number[] = []): FieldDef {
  const out: FieldDef = { field: c.field, type: c.type ?? fallback, title: c.title === undefined ? c.field : c.title };
  const scale: NonNullable<FieldDef['scale']> = {};
  if (c.scale && c.scale !== 'linear') scale.type = c.scale;
  if (c.zero !== undefined) scale.zero = c.zero;
  if (c.domain) scale.domain = c.domain;
  const fixed = c.palette ?? c.dashes;
  if (fixed) Object.assign(scale, { domain: fixed.domain, range: fixed.range });
  if (Object.keys(scale).length > 0) out.scale = scale;
  if (fixed?.labelExpr) out.legend = { labelExpr: fixed.labelExpr };
  // A dash is seen only on a line: its legend draws line segments.
  if (c.dashes) out.legend = { ...out.legend, symbolType: 'stroke', symbolStrokeWidth: 2 };
  if (c.sort) out.sort = c.sort;
  const axis: NonNullable<FieldDef['axis']> = {};
  if (c.format) axis.format = c.format;
  if (c.integer) Object.assign(axis, { tickMinStep: 1, format: c.format ?? 'd' });
  if (c.scale === 'log' && data.length > 0) axis.values = decades(data);
  if (Object.keys(axis).length > 0) out.axis = axis;
  return out;
}

/** A nominal channel (a colour, a dash) as Vega-Lite reads it, for a chart written out layer by layer. */
export function nominalDef(c: Channel): FieldDef {
  return encodeChannel(c, 'nominal');
}

/** A Vega expression: is datum[field] one of `values`? */
const isOneOf = (field: string, values: string[]): string =>
  `indexof(${JSON.stringify(values)}, datum[${JSON.stringify(field)}]) >= 0`;

const numbers = (rows: Row[], ...fields: (string | undefined)[]): number[] =>
  rows.flatMap((r) =>
    fields
      .filter((f): f is string => f !== undefined)
      .map((f) => r[f])
      .filter((v): v is number => typeof v === 'number'),
  );

/** A dashed horizontal reference line at y, with an optional label; its colours differ between the builders. */
function referenceLine(
  rule: { y: number; label?: string },
  line: string,
  label: { x: number; align: 'left' | 'right'; dx?: number; color: string },
): Layer[] {
  // One datum of its own: inheriting the chart's rows would draw the line and its label once per row, over each other.
  const one = { data: { values: [{}] } };
  const layers: Layer[] = [
    { ...one, mark: { type: 'rule', strokeDash: [4, 3], color: line }, encoding: { y: { datum: rule.y } } },
  ];
  if (rule.label) {
    layers.push({
      ...one,
      mark: {
        type: 'text',
        align: label.align,
        baseline: 'bottom',
        ...(label.dx ? { dx: label.dx } : {}),
        dy: -2,
        color: label.color,
        fontSize: 10,
      },
      encoding: { x: { value: label.x }, y: { datum: rule.y }, text: { value: rule.label } },
    });
  }
  return layers;
}

/** Drop an empty transform list, so specs stay as short as they were written. */
function layer(mark: UnitMark, encoding: Encoding, filter: string | null): Layer {
  return filter === null ? { mark, encoding } : { mark, encoding, transform: [{ filter }] };
}
type UnitMark = Extract<Layer, { mark: unknown }>['mark'];

export function seriesChart(o: SeriesChartOptions): VegaLiteSpec & ConcatPart {
  const x = encodeChannel(o.x, 'quantitative', numbers(o.values, o.x.field));
  const categorical = x.type !== 'quantitative';
  if (categorical) x.axis = { ...x.axis, labelAngle: 0 };
  // Line charts get line legends (with a band, solid ones rather than faded area swatches).
  const colorLegend = { legend: { symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 2.5 } };
  const y = encodeChannel(o.y, 'quantitative', [
    ...numbers(o.values, o.y.field, o.band?.lower, o.band?.upper),
    ...(o.rule ? [o.rule.y] : []),
  ]);
  const common: Encoding = { x, y };
  if (o.color) {
    const c = encodeChannel(o.color, 'nominal');
    common.color = {
      ...c,
      ...((o.mark ?? 'line') !== 'point' ? { legend: { ...c.legend, ...colorLegend.legend } } : {}),
    };
  }
  const lineEncoding: Encoding = { ...common };
  if (o.strokeDash) lineEncoding.strokeDash = encodeChannel(o.strokeDash, 'nominal');

  const layers: Layer[] = [];
  const pointsOnly = o.pointSeries && o.color ? o.pointSeries : [];
  const colorField = o.color?.field ?? '';
  const lineFilter = pointsOnly.length > 0 ? `!(${isOneOf(colorField, pointsOnly)})` : null;
  const mark = o.mark ?? 'line';
  if (mark !== 'point')
    layers.push(
      layer(
        { type: 'line', strokeWidth: 1.8, point: mark === 'line+point' ? { size: 18 } : false },
        lineEncoding,
        lineFilter,
      ),
    );
  if (mark === 'point') {
    // On categories: bigger dots, side by side per colour so that equal values do not hide each other.
    const side =
      categorical && o.color
        ? {
            xOffset: {
              field: o.color.field,
              type: 'nominal' as const,
              ...(o.color.sort ? { sort: o.color.sort } : {}),
            },
          }
        : {};
    layers.push(
      layer(
        { type: 'point', filled: true, size: categorical ? 70 : 14, opacity: 0.85 },
        { ...lineEncoding, ...side },
        lineFilter,
      ),
    );
  }
  if (o.band) {
    // After the lines, so the legend takes its symbols from the lines, not from the band.
    const bandEncoding: Encoding = { ...common, y: { ...y, field: o.band.lower }, y2: { field: o.band.upper } };
    if (o.strokeDash) bandEncoding.detail = { field: o.strokeDash.field, type: 'nominal' };
    layers.push(layer({ type: 'area', opacity: 0.18 }, bandEncoding, lineFilter));
  }
  if (pointsOnly.length > 0)
    layers.push(
      layer({ type: 'point', filled: false, size: 22, strokeWidth: 1.2 }, common, isOneOf(colorField, pointsOnly)),
    );
  if (o.rule) layers.push(...referenceLine(o.rule, '#888', { x: 0, align: 'left', dx: 4, color: '#666' }));

  const title = chartTitle(o.title, o.subtitle);
  const size = { width: o.width ?? 360, height: o.height ?? 220 };
  if (o.column) {
    const { columns, ...channel } = o.column;
    return {
      title,
      data: { values: o.values },
      facet: {
        ...encodeChannel(channel, 'nominal'),
        header: {
          title: channel.title ?? null,
          ...(channel.palette?.labelExpr ? { labelExpr: channel.palette.labelExpr } : {}),
        },
      },
      ...(columns ? { columns } : {}),
      spec: { ...size, layer: layers },
      ...(o.independentY ? { resolve: { scale: { y: 'independent' } } } : {}),
    };
  }
  return { title, data: { values: o.values }, ...size, layer: layers };
}

/** x: the categories; color: side-by-side bars within each category. */
export type BarChartOptions = ChartOptions;

/** Grouped bars: one group per x category, one bar per colour value. */
export function barChart(o: BarChartOptions): VegaLiteSpec & ConcatPart {
  // Side by side, never stacked (a stacked log scale draws nothing).
  const x = encodeChannel(o.x, 'nominal');
  x.axis = { ...x.axis, labelAngle: 0 };
  const y = encodeChannel(o.y, 'quantitative', [...numbers(o.values, o.y.field), ...(o.rule ? [o.rule.y] : [])]);
  const encoding: Encoding = { x, y: { ...y, stack: null } };
  if (o.color) {
    encoding.color = encodeChannel(o.color, 'nominal');
    encoding.xOffset = { field: o.color.field, type: 'nominal', ...(o.color.sort ? { sort: o.color.sort } : {}) };
  }
  const layers: Layer[] = [{ mark: { type: 'bar' }, encoding }];
  if (o.rule) layers.push(...referenceLine(o.rule, '#555', { x: o.width ?? 360, align: 'right', color: '#555' }));
  return {
    title: chartTitle(o.title, o.subtitle),
    data: { values: o.values },
    width: o.width ?? 360,
    height: o.height ?? 220,
    layer: layers,
  };
}
