/**
 * The benchmark's chart (Vega-Lite, via src/report's builders): samples per second for every
 * contender at batch 1 and batch 32 (log scale), and, when the sweep ran, time per pattern against
 * synapse count for both engines (log–log, where linear cost is a line of slope 1).
 */
import { vconcatCharts, type Row } from '../src/report/chart-spec.ts';
import { barChart, engineDash, seriesChart } from '../src/report/charts.ts';
import type { VegaLiteSpec } from '../src/report/experiment.ts';
import type { ScalingResult } from './scaling.ts';

const SWEEP_SERIES = ['matrix', 'agents', 'slope 1'];

export interface ChartRow {
  label: string;
  batch: number;
  samplesPerSecond: number;
}

export function benchChart(rows: readonly ChartRow[], scaling: ScalingResult | null, subtitle: string[]): VegaLiteSpec {
  const order = [...new Set(rows.map((r) => r.label))];
  const bars = barChart({
    title: 'Training speed, 784-128-10 MLP (median of repetitions)',
    subtitle,
    values: rows.map((r): Row => ({ contender: r.label, batch: `batch ${r.batch}`, samplesPerSecond: r.samplesPerSecond })),
    x: { field: 'contender', title: null, sort: order },
    y: { field: 'samplesPerSecond', title: 'samples / s', scale: 'log' },
    color: { field: 'batch', title: null },
    width: 120 * order.length,
  });
  if (!scaling || scaling.points.length === 0) return bars;
  // A line of slope 1 through the matrix engine's largest net: what linear cost would look like.
  const matrix = scaling.points.filter((p) => p.engine === 'matrix');
  const top = matrix[matrix.length - 1];
  const reference = top ? matrix.map((p): Row => ({ engine: 'slope 1', synapses: p.synapses, msPerPattern: (top.msPerPattern * p.synapses) / top.synapses })) : [];
  const sweep = seriesChart({
    title: 'Cost against synapse count (per-pattern SGD)',
    subtitle: scaling.fits.map((f) => `${f.engine}: slope of log time vs log synapses ${f.slope.toFixed(2)} (larger half ${f.slopeLargerHalf.toFixed(2)})`),
    values: [...scaling.points.map((p): Row => ({ engine: p.engine, synapses: p.synapses, msPerPattern: p.msPerPattern })), ...reference],
    x: { field: 'synapses', title: 'synapses (weights + biases)', scale: 'log' },
    y: { field: 'msPerPattern', title: 'ms per pattern', scale: 'log' },
    // The engines (and the reference line) told apart by colour as well as by dash.
    color: { ...engineDash(SWEEP_SERIES, null) },
    strokeDash: engineDash(SWEEP_SERIES, null),
    mark: 'line+point',
  });
  // Two charts, two meanings of colour (batch size; engine): keep their scales and legends apart.
  return vconcatCharts([bars, sweep], ['color', 'strokeDash']);
}
