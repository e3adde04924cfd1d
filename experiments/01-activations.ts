/**
 * 01 activations: the essay's four activation functions and their derivatives.
 *   relu      g(z) = max(z, 0)         g'(z) = [z > 0]
 *   softplus  g(z) = log(1 + e^z)      g'(z) = e^z / (1 + e^z)
 *   logistic  g(z) = 1 / (1 + e^−z)    g'(z) = g(z)(1 − g(z))
 *   tanh      g(z) = a·tanh(b·z)       g'(z) = b(a − g(z)²/a)
 * The analytic g' (src/nn/activation.ts, as the network uses it) against the central difference
 * (g(z + h) − g(z − h)) / 2h on a grid that contains the kink z = 0.
 */
import { makeActivation, type ActivationSpec } from '../src/nn/activation.ts';
import {
  categoryColour,
  runStandalone,
  seriesChart,
  type Claim,
  type Experiment,
  type HeadlineRow,
  type VegaLiteSpec,
} from '../src/report/index.ts';

interface Budget {
  /** Grid points on [−zmax, zmax] (odd, so z = 0 is on the grid). */
  points: number;
  zmax: number;
  /** Step of the central difference. */
  h: number;
}

const ACTIVATIONS: { label: string; spec: ActivationSpec }[] = [
  { label: 'relu', spec: { name: 'relu' } },
  { label: 'softplus', spec: { name: 'softplus' } },
  { label: 'logistic', spec: { name: 'logistic' } },
  { label: 'tanh (a=1.7159, b=0.6667)', spec: { name: 'tanh', a: 1.7159, b: 0.6667 } },
];

/** Errors below this are drawn at it: a log axis has no zero. */
const ERROR_FLOOR = 1e-17;
/** Grid points this close to the kink are reported apart. */
const NEAR_KINK = 1e-3;

/** g, the analytic g' and the central difference at every grid point, and |analytic − numeric|. */
function compare(spec: ActivationSpec, grid: number[], h: number) {
  const { g, dg } = makeActivation(spec);
  return grid.map((z) => {
    const y = g(z);
    const analytic = dg(z, y);
    const numeric = (g(z + h) - g(z - h)) / (2 * h);
    return { z, g: y, analytic, numeric, error: Math.abs(analytic - numeric) };
  });
}
type Rows = ReturnType<typeof compare>;

function headlineRow(label: string, rows: Rows): HeadlineRow {
  const away = rows.filter((r) => Math.abs(r.z) >= NEAR_KINK);
  const atZero = rows.find((r) => r.z === 0)!;
  return {
    activation: label,
    "max |g' − numeric| (z ≠ 0)": Math.max(...away.map((r) => r.error)),
    "g'(0) analytic": atZero.analytic,
    "g'(0) numeric": atZero.numeric,
    '|error| at z = 0': atZero.error,
  };
}

function charts(results: { label: string; rows: Rows }[], h: number): Record<string, VegaLiteSpec> {
  const curves = results.flatMap(({ label, rows }) =>
    rows.flatMap((r, k) => [
      { activation: label, z: r.z, series: 'g(z)', value: r.g },
      { activation: label, z: r.z, series: "g'(z) analytic", value: r.analytic },
      // Every 4th numeric value as a marker, so the analytic curve stays visible under them.
      ...(k % 4 === 0 || Math.abs(r.z) < NEAR_KINK
        ? [{ activation: label, z: r.z, series: "g'(z) numeric", value: r.numeric }]
        : []),
    ]),
  );
  const errors = results.flatMap(({ label, rows }) =>
    rows.map((r) => ({ activation: label, z: r.z, error: Math.max(r.error, ERROR_FLOOR) })),
  );
  const order = ACTIVATIONS.map((a) => a.label);
  return {
    functions: seriesChart({
      title: "Activations g and their derivatives g'",
      subtitle: `lines: analytic; circles: central difference, h = ${h.toExponential(0)}`,
      values: curves,
      x: { field: 'z' },
      y: { field: 'value', title: null },
      color: categoryColour('series', ['g(z)', "g'(z) analytic", "g'(z) numeric"], null),
      pointSeries: ["g'(z) numeric"],
      column: { field: 'activation', title: '', sort: order, columns: 2 },
      width: 240,
      height: 170,
    }),
    'derivative-error': seriesChart({
      title: "|analytic g' − central difference|",
      subtitle:
        `h = ${h.toExponential(0)}; errors below ${ERROR_FLOOR} drawn at ${ERROR_FLOOR}; ` +
        `relu's spike is its kink at z = 0`,
      values: errors,
      x: { field: 'z' },
      y: { field: 'error', title: '|error|', scale: 'log', format: '.0e' },
      color: categoryColour('activation', order),
      // Dots: on a log axis a line through the exact zeros (drawn at the floor) would say nothing.
      mark: 'point',
      width: 480,
      height: 240,
    }),
  };
}

function claims(raw: unknown): Claim[] {
  const d = raw as { h: number; activations: { activation: string; rows: Rows }[] };
  const away = d.activations.map(({ activation, rows }) => ({
    activation,
    worst: Math.max(...rows.filter((r) => Math.abs(r.z) >= NEAR_KINK).map((r) => r.error)),
  }));
  const relu = d.activations.find((a) => a.activation === 'relu')!.rows.find((r) => r.z === 0)!;
  return [
    {
      text:
        `Away from z = 0 every analytic g' agrees with the central difference ` +
        `(h = ${d.h.toExponential(0)}): ` +
        `worst ${away.map((a) => `${a.activation} ${a.worst.toExponential(1)}`).join(', ')} ` +
        `(claim: below 1e-8).`,
      holds: away.every((a) => a.worst < 1e-8),
    },
    {
      text:
        `At relu's kink the numeric slope is ${relu.numeric} and the analytic one ${relu.analytic}: ` +
        `the derivative is undefined there and the difference measures the average of both sides.`,
      holds: Math.abs(relu.numeric - 0.5) < 1e-9 && (relu.analytic === 0 || relu.analytic === 1),
    },
  ];
}

const experiment: Experiment<Budget> = {
  name: 'activations',
  description:
    "The essay's four activations (relu, softplus, logistic, a·tanh(bz)) and their derivatives g', " +
    "as the network computes them, checked against central differences, away from and at relu's kink.",
  budgets: { quick: { points: 161, zmax: 4, h: 1e-5 }, full: { points: 1601, zmax: 6, h: 1e-5 } },

  async run({ budget, progress }) {
    const { points, zmax, h } = budget;
    const grid = Array.from({ length: points }, (_, k) => -zmax + (2 * zmax * k) / (points - 1));
    grid[(points - 1) / 2] = 0; // exactly the kink, whatever the rounding
    const results = ACTIVATIONS.map(({ label, spec }, index) => {
      progress(index, ACTIVATIONS.length);
      return { label, spec, rows: compare(spec, grid, h) };
    });
    return {
      data: {
        h,
        grid: { points, zmax },
        activations: results.map(({ label, spec, rows }) => ({ activation: label, spec, rows })),
      },
      headline: results.map(({ label, rows }) => headlineRow(label, rows)),
      specs: charts(results, h),
    };
  },
  claims,
};

export default experiment;
runStandalone(import.meta.url, experiment);
