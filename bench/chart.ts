/**
 * The benchmark's chart (Vega-Lite, via src/report's builders): samples per second for every
 * contender on every net at every batch size (log scale), and, when the sweep ran, time per pattern against
 * synapse count for both engines, the engine as the dash (log–log, where linear cost is a line of slope 1).
 */
import { vconcatCharts, type Row } from '../src/report/chart-spec.ts';
import { categoryColour, engineDash, seriesChart } from '../src/report/charts.ts';
import type { VegaLiteSpec } from '../src/report/experiment.ts';
import type { BenchJson } from './results.ts';
import type { ScalingResult } from './scaling.ts';

const ENGINES = ['matrix', 'agents'];

export interface ChartRow {
  /** The net ("784-128-10", "lenet-32"). */
  net: string;
  label: string;
  batch: number;
  samplesPerSecond: number;
}

export function benchChart(rows: readonly ChartRow[], scaling: ScalingResult | null, subtitle: string[]): VegaLiteSpec {
  const order = [...new Set(rows.map((r) => r.label))];
  // Dots, not bars: samples/s spans decades on a log axis, where a bar has no baseline.
  const speeds = seriesChart({
    title: 'Training speed (median of repetitions)',
    subtitle,
    values: rows.map(
      (r): Row => ({ contender: r.label, case: `${r.net}, batch ${r.batch}`, samplesPerSecond: r.samplesPerSecond }),
    ),
    x: { field: 'contender', type: 'nominal', title: null, sort: order },
    y: { field: 'samplesPerSecond', title: 'samples / s', scale: 'log' },
    color: categoryColour('case', [...new Set(rows.map((r) => `${r.net}, batch ${r.batch}`))], null),
    mark: 'point',
    width: 125 * order.length,
  });
  if (!scaling || scaling.points.length === 0) return speeds;
  const sweep = seriesChart({
    title: 'Cost against synapse count (per-pattern SGD)',
    subtitle: scaling.fits.map(
      (f) =>
        `${f.engine}: slope of log time vs log synapses ${f.slope.toFixed(2)} (larger half ` +
        `${f.slopeLargerHalf.toFixed(2)})`,
    ),
    values: scaling.points.map((p): Row => ({ engine: p.engine, synapses: p.synapses, msPerPattern: p.msPerPattern })),
    x: { field: 'synapses', title: 'synapses (weights + biases)', scale: 'log' },
    y: { field: 'msPerPattern', title: 'ms per pattern', scale: 'log' },
    strokeDash: engineDash(ENGINES, null),
    mark: 'line+point',
  });
  // Two charts, two meanings: keep their scales and legends apart.
  return vconcatCharts([speeds, sweep], ['color', 'strokeDash']);
}

/** The chart of a bench.json: every timed case of every net, and the sweep. */
export function benchChartOf(report: BenchJson): VegaLiteSpec {
  const rows = report.nets.flatMap((net) =>
    net.results
      .filter((r) => r.status === 'ok' && r.timing)
      // The case ids (matrix-1t, pytorch-float64-2t) fit under a dot; the labels are in the README's tables.
      .map((r) => ({
        net: net.name,
        label: r.contender,
        batch: r.batch,
        samplesPerSecond: r.timing!.samplesPerSecond,
      })),
  );
  const m = report.machine;
  const subtitle = [`${m.cpu}, ${m.cores} cores, Node ${m.node}, ${report.date.slice(0, 10)}`, report.command];
  return benchChart(rows, report.scaling, subtitle);
}
