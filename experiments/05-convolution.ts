/**
 * 05 convolution: the essay's convolution paragraph on a small conv net on digits.
 *   forward   z[f,oy,ox] = b_f + Σ_{c,ky,kx} w[f,c,ky,kx] · x[c, oy·s+ky−p, ox·s+kx−p]
 *   weights   ∂E/∂w[f,c,ky,kx] = Σ_{oy,ox} x[c, oy·s+ky−p, ox·s+kx−p] · Δz[f,oy,ox]   (shared: sum over all pairs)
 *   push      for each output error Δz[f,oy,ox], scatter w[f,c,ky,kx]·Δz into Δx[c, oy·s+ky−p, ox·s+kx−p]
 *   gather    for each input, Δx[c,iy,ix] = Σ w[f,c,ky,kx]·Δz[f,(iy+p−ky)/s,(ix+p−kx)/s] over whole, in-range indices
 *
 * The net (input [1,8,8], conv 4 × 3×3 stride 1 padding 1 relu → dense 10, softmax-CE) learns with
 * the matrix engine. Push (the essay's method) and gather (the transposed correlation) are compared
 * on the trained net's own errors and on random errors for several conv geometries: they agree to
 * rounding. Their speed is measured and goes to timings.json. The learned kernels are drawn as images.
 */
import type { Random } from '../src/core/random.ts';
import { maxAbsDiff } from '../src/core/tensor.ts';
import { loadDigits, splitDataset } from '../src/data/datasets.ts';
import { createEngine, type MatrixEngine } from '../src/engines/index.ts';
import { Conv } from '../src/nn/conv.ts';
import { initParams, type Params } from '../src/nn/params.ts';
import { train, type Dataset, type EpochReport } from '../src/nn/sgd.ts';
import { parseNetSpec, resolveLayers, type ConvSpec, type NetSpec, type ResolvedLayer } from '../src/nn/spec.ts';
import {
  categoryColour,
  categoryScale,
  chartTitle,
  median,
  rasterChart,
  runStandalone,
  seriesChart,
  type Claim,
  type Experiment,
  type HeadlineRow,
  type PositionDef,
  type Row,
  type VegaLiteSpec,
} from '../src/report/index.ts';
import { takeTurns, TimedCase } from './shared/timing.ts';

interface Budget {
  epochs: number;
  η: number;
  filters: number;
  /** Random error patterns per geometry for the push/gather comparison. */
  patterns: number;
  /** Timing: calls per repetition and repetitions (the median repetition is reported). */
  calls: number;
  reps: number;
}

interface Geometry {
  label: string;
  input: [number, number, number];
  filters: number;
  kernel: number;
  stride: number;
  padding: number;
}

/**
 * Conv geometries for push against gather: the trained net's first, then strides, paddings and channels that exercise
 * the index bookkeeping.
 */
const GEOMETRIES: Geometry[] = [
  { label: '1→4, 3×3, s1 p1', input: [1, 8, 8], filters: 4, kernel: 3, stride: 1, padding: 1 },
  { label: '4→8, 3×3, s2 p1', input: [4, 8, 8], filters: 8, kernel: 3, stride: 2, padding: 1 },
  { label: '2→3, 5×5, s1 p2', input: [2, 8, 8], filters: 3, kernel: 5, stride: 1, padding: 2 },
  { label: '3→2, 2×2, s2 p0', input: [3, 9, 9], filters: 2, kernel: 2, stride: 2, padding: 0 },
  { label: '1→6, 4×4, s3 p0', input: [1, 16, 16], filters: 6, kernel: 4, stride: 3, padding: 0 },
];

/** Differences below this are drawn at it: a log axis has no zero. */
const FLOOR = 1e-17;

function netSpec(filters: number): NetSpec {
  return parseNetSpec({
    input: [1, 8, 8],
    layers: [
      { type: 'conv', filters, kernel: 3, stride: 1, padding: 1, activation: 'relu' },
      { type: 'dense', units: 10, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  });
}

/** A standalone conv layer of the given geometry with seeded weights. */
function convLayer(g: Geometry, random: Random): Conv {
  const spec = parseNetSpec({
    input: g.input,
    layers: [
      { type: 'conv', filters: g.filters, kernel: g.kernel, stride: g.stride, padding: g.padding, activation: 'tanh' },
    ],
    loss: 'mse',
  });
  const layer = resolveLayers(spec)[0]! as ResolvedLayer & ConvSpec;
  const { weights, bias } = initParams(spec, random).layers[0]!;
  return new Conv(layer, weights, bias);
}

const diffLabel = (d: number): string => (d === 0 ? 'exactly 0' : d.toExponential(1));

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

const emptyGradient = (params: Params): Params => ({
  layers: params.layers.map((l) => ({
    weights: new Float64Array(l.weights.length),
    bias: new Float64Array(l.bias.length),
  })),
});

interface Agreement {
  /** max |push − gather| and max |Δx| over the patterns. */
  maxAbsDifference: number;
  maxAbsInputError: number;
}

/** Push against gather on the trained conv layer, with the errors the trained net sends down to it. */
function pushVsGatherTrained(engine: MatrixEngine, learned: Params, heldOut: Dataset): Agreement {
  const net = engine.net;
  const conv = net.layers[0] as Conv;
  const Δxpush = new Float64Array(conv.inSize);
  const Δxgather = new Float64Array(conv.inSize);
  const out: Agreement = { maxAbsDifference: 0, maxAbsInputError: 0 };
  heldOut.inputs.forEach((x, p) => {
    net.backprop(x, heldOut.targets[p]!, emptyGradient(learned)); // fills Δz of the conv layer
    conv.pushError(net.Δz[0]!, Δxpush);
    conv.gatherError(net.Δz[0]!, Δxgather);
    out.maxAbsDifference = Math.max(out.maxAbsDifference, maxAbsDiff(Δxpush, Δxgather));
    out.maxAbsInputError = Math.max(out.maxAbsInputError, maxAbs(Δxpush));
  });
  return out;
}

/** The error the push sends back to the pixels of one held-out digit. */
function pushedError(engine: MatrixEngine, learned: Params, x: Float64Array, t: Float64Array): Float64Array {
  const conv = engine.net.layers[0] as Conv;
  const Δx = new Float64Array(conv.inSize);
  engine.net.backprop(x, t, emptyGradient(learned));
  conv.pushError(engine.net.Δz[0]!, Δx);
  return Δx;
}

/** Push against gather on random errors for one geometry; and their time per call, taking turns. */
async function pushVsGatherGeometry(g: Geometry, budget: Budget, random: Random) {
  const r = random.derive(`geometry/${g.label}`);
  const layer = convLayer(g, r.derive('init'));
  const Δz = new Float64Array(layer.outSize);
  const a = new Float64Array(layer.inSize);
  const b = new Float64Array(layer.inSize);
  let diff = 0;
  let scale = 0;
  for (let p = 0; p < budget.patterns; p++) {
    for (let k = 0; k < Δz.length; k++) Δz[k] = r.normal();
    layer.pushError(Δz, a);
    layer.gatherError(Δz, b);
    diff = Math.max(diff, maxAbsDiff(a, b));
    scale = Math.max(scale, maxAbs(a));
  }
  const [C, H, W] = g.input;
  const geometry = {
    geometry: g.label,
    input: g.input,
    filters: g.filters,
    kernel: g.kernel,
    stride: g.stride,
    padding: g.padding,
    output: [layer.F, layer.OH, layer.OW],
    inputSize: C * H * W,
    maxAbsDifference: diff,
    maxAbsInputError: scale,
  };
  const calls = (fn: () => void): TimedCase =>
    new TimedCase({
      run: (_, count) => {
        for (let k = 0; k < count; k++) fn();
      },
    });
  const [push, gather] = [calls(() => layer.pushError(Δz, a)), calls(() => layer.gatherError(Δz, b))];
  for (const c of [push, gather]) await c.warmUpFixed(budget.calls);
  await takeTurns([push, gather], budget.reps);
  const microseconds = (c: TimedCase): number => (median(c.wall) * 1e6) / budget.calls;
  const timing = {
    geometry: g.label,
    pushMicroseconds: microseconds(push),
    gatherMicroseconds: microseconds(gather),
    calls: budget.calls,
    reps: budget.reps,
  };
  return { geometry, timing };
}

/** Filter f's k×k kernel of channel 0 as an image, row by row. */
function kernelImage(conv: Conv, weights: Float64Array, f: number): number[][] {
  return Array.from({ length: conv.K }, (_, ky) =>
    Array.from({ length: conv.K }, (_, kx) => weights[conv.weightIndex(f, 0, ky, kx)]!),
  );
}

/** The raster rows {panel, row, col, value} of a list of images. */
const rasterRows = (panel: string, image: number[][]) =>
  image.flatMap((row, y) => row.map((value, x) => ({ panel, row: y, col: x, value })));

/** How the geometry labels read; goes in the subtitles (a rotated axis title this long would stretch the chart). */
const GEOMETRY_KEY = 'rows: channels in → filters, kernel k×k, stride s, padding p';

/** Dots on a log x axis (a bar on a log scale has no zero to stand on), labelled, with a dashed reference line. */
function logBarChart(o: {
  title: string;
  subtitle: string[];
  values: Row[];
  sort: string[];
  field: string;
  axisTitle: string;
  floor: number;
  rule: number;
}): VegaLiteSpec {
  const x: PositionDef = {
    field: o.field,
    type: 'quantitative',
    title: o.axisTitle,
    scale: { type: 'log', domain: [o.floor, 1e-10] },
    axis: { format: '.0e' },
  };
  return {
    title: chartTitle(o.title, o.subtitle),
    data: { values: o.values },
    width: 420,
    height: { step: 26 },
    layer: [
      {
        mark: { type: 'point', filled: true, size: 60, color: '#4c78a8' },
        encoding: {
          y: { field: 'geometry', type: 'nominal', sort: o.sort, title: null, axis: { labelLimit: 300 } },
          x,
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 8, fontSize: 10 },
        encoding: {
          y: { field: 'geometry', type: 'nominal', sort: o.sort },
          x,
          text: { field: 'label', type: 'nominal' },
        },
      },
      {
        data: { values: [{}] },
        mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
        encoding: { x: { datum: o.rule } },
      },
    ],
  };
}

/** Grouped horizontal bars: µs per call, push and gather side by side per geometry. */
function timeBarChart(o: { title: string; subtitle: string[]; values: Row[]; sort: string[] }): VegaLiteSpec {
  return {
    title: chartTitle(o.title, o.subtitle),
    data: { values: o.values },
    width: 420,
    height: { step: 14 },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'geometry', type: 'nominal', sort: o.sort, title: null, axis: { labelLimit: 300 } },
      yOffset: { field: 'method', type: 'nominal', sort: ['push (essay)', 'gather'] },
      x: { field: 'microseconds', type: 'quantitative', title: 'µs per call' },
      color: {
        field: 'method',
        type: 'nominal',
        title: null,
        sort: ['push (essay)', 'gather'],
        scale: categoryScale(['push (essay)', 'gather']),
      },
    },
  };
}

/** The kernels before and after learning, and a digit with the error pushed back to its pixels, as rasters. */
function imageCharts(
  kernels: { initial: number[][][]; learned: number[][][] },
  example: { x: Float64Array; label: number },
  Δxpush: Float64Array,
  budget: Budget,
): Record<string, VegaLiteSpec> {
  const F = kernels.learned.length;
  const panels = (['initial', 'learned'] as const).flatMap((stage) =>
    kernels[stage].map((_, f) => `${stage}, filter ${f + 1}`),
  );
  const kernelRows = (['initial', 'learned'] as const).flatMap((stage) =>
    kernels[stage].flatMap((image, f) => rasterRows(`${stage}, filter ${f + 1}`, image)),
  );
  const inputPanel = `input (digit ${example.label})`;
  const pixelRows = Array.from({ length: 64 }, (_, k) => [
    { panel: inputPanel, row: k >> 3, col: k % 8, value: example.x[k]! },
    { panel: 'Δx pushed back', row: k >> 3, col: k % 8, value: Δxpush[k]! / maxAbs(Δxpush) },
  ]).flat();
  return {
    kernels: rasterChart({
      title: `The ${F} conv kernels (3×3), before and after learning`,
      subtitle: `weights w[f,0,ky,kx]; red positive, blue negative; ${budget.epochs} epochs of per-pattern SGD \
on digits`,
      values: kernelRows,
      panels,
      columns: F,
      cell: 34,
      size: kernels.learned[0]!.length,
      legend: 'weight',
      extent: Math.max(...kernelRows.map((r) => Math.abs(r.value))),
    }),
    'input-error': rasterChart({
      title: 'A held-out digit and the error pushed back to its pixels',
      subtitle:
        'Δx = Σ w·Δz scattered through the learned kernels (push; gather gives the same to rounding), ' +
        'scaled to max |Δx| = 1',
      values: pixelRows,
      panels: [inputPanel, 'Δx pushed back'],
      columns: 2,
      cell: 18,
      size: 8,
      legend: 'value',
      extent: 1,
    }),
  };
}

type Geometries = Awaited<ReturnType<typeof pushVsGatherGeometry>>[];

function trainingChart(reports: EpochReport[], budget: Budget): VegaLiteSpec {
  return seriesChart({
    title: 'Conv net on digits: accuracy per epoch',
    subtitle: `matrix engine, back-prop, η = ${budget.η}, B = 1; the losses are in the table`,
    values: reports.flatMap((r) => [
      { epoch: r.epoch, set: 'training', accuracy: r.train.accuracy! },
      { epoch: r.epoch, set: 'held-out', accuracy: r.test!.accuracy! },
    ]),
    x: { field: 'epoch', integer: true },
    y: { field: 'accuracy', title: 'accuracy', zero: false, format: '.0%' },
    color: categoryColour('set', ['training', 'held-out'], null),
    mark: 'line+point',
    width: 360,
    height: 200,
  });
}

function pushVsGatherCharts(
  trained: Agreement & { patterns: number },
  results: Geometries,
  budget: Budget,
): Record<string, VegaLiteSpec> {
  const geometries = results.map((g) => g.geometry);
  const order = GEOMETRIES.map((g) => g.label);
  return {
    'push-vs-gather': logBarChart({
      title: 'Push against gather: largest |Δx difference| per geometry',
      subtitle: [
        `over ${budget.patterns} random error patterns each (first row: ` +
          `the trained net's own errors on ${trained.patterns} held-out digits)`,
        `exact zeros drawn at ${FLOOR}; dashed: one rounding unit of the largest |Δx| (2⁻⁵²·max|Δx|)`,
        GEOMETRY_KEY,
      ],
      values: [
        {
          geometry: 'trained net (1→4, 3×3, s1 p1)',
          difference: Math.max(trained.maxAbsDifference, FLOOR),
          label: diffLabel(trained.maxAbsDifference),
        },
        ...geometries.map((g) => ({
          geometry: g.geometry,
          difference: Math.max(g.maxAbsDifference, FLOOR),
          label: diffLabel(g.maxAbsDifference),
        })),
      ],
      sort: ['trained net (1→4, 3×3, s1 p1)', ...order],
      field: 'difference',
      axisTitle: 'max |push − gather|',
      floor: FLOOR,
      rule: Number.EPSILON * Math.max(trained.maxAbsInputError, ...geometries.map((g) => g.maxAbsInputError)),
    }),
    'push-gather-time': timeBarChart({
      title: 'Push against gather: time per backward call',
      subtitle: [
        `from timings.json (wall clock, varies by machine and run): median of ${budget.reps} × ${budget.calls} calls`,
        GEOMETRY_KEY,
      ],
      values: results.flatMap(({ timing: t }) => [
        { geometry: t.geometry, method: 'push (essay)', microseconds: t.pushMicroseconds },
        { geometry: t.geometry, method: 'gather', microseconds: t.gatherMicroseconds },
      ]),
      sort: order,
    }),
  };
}

function headlineOf(
  reports: EpochReport[],
  trainingPatterns: number,
  trained: Agreement & { patterns: number },
  results: Geometries,
  budget: Budget,
): HeadlineRow[] {
  const last = reports[reports.length - 1]!;
  const worstDiff = Math.max(trained.maxAbsDifference, ...results.map((r) => r.geometry.maxAbsDifference));
  return [
    {
      quantity: 'held-out accuracy after training',
      value: `${(100 * last.test!.accuracy!).toFixed(1)}%`,
      detail: `${budget.epochs} epochs, η = ${budget.η}, B = 1, ${trainingPatterns} training patterns`,
    },
    {
      quantity: 'max |push − gather|, trained net',
      value: trained.maxAbsDifference,
      detail: `over ${trained.patterns} held-out patterns; max |Δx| = ${trained.maxAbsInputError.toPrecision(3)}`,
    },
    {
      quantity: 'max |push − gather|, all geometries',
      value: worstDiff,
      detail: `${GEOMETRIES.length} geometries × ${budget.patterns} random Δz`,
    },
    ...results.map(({ timing: t }) => ({
      quantity: `µs per call, ${t.geometry}`,
      value: `push ${t.pushMicroseconds.toFixed(2)}, gather ${t.gatherMicroseconds.toFixed(2)}`,
      detail: `median of ${t.reps} × ${t.calls} calls (timings.json)`,
    })),
  ];
}

function claims(raw: unknown): Claim[] {
  const d = raw as {
    budget: Budget;
    epochs: { epoch: number; test: { accuracy: number } }[];
    pushVsGather: {
      trained: { maxAbsDifference: number; maxAbsInputError: number };
      geometries: { geometry: string; maxAbsDifference: number; maxAbsInputError: number }[];
    };
  };
  const last = d.epochs[d.epochs.length - 1]!;
  const { trained, geometries } = d.pushVsGather;
  const relative = Math.max(
    trained.maxAbsDifference / trained.maxAbsInputError,
    ...geometries.map((g) => g.maxAbsDifference / g.maxAbsInputError),
  );
  return [
    {
      text:
        `The conv net learns digits: held-out accuracy ${(100 * last.test.accuracy).toFixed(1)} % ` +
        `after ${last.epoch} epochs (claim: above 90 %).`,
      holds: last.test.accuracy > 0.9,
    },
    {
      text:
        `Pushing the error back through the kernel (the essay) and gathering it (the transposed ` +
        `correlation) agree to rounding: at most ${relative.toExponential(1)} of max |Δx|, ` +
        `on the trained net and on ${geometries.length} strided, padded geometries (claim: below 1e-13).`,
      holds: relative < 1e-13,
    },
  ];
}

const experiment: Experiment<Budget> = {
  name: 'convolution',
  description:
    "The essay's convolution: shared kernels whose gradient sums every input/output pair, " +
    'and errors pushed back through the same kernel (loop over output errors, scatter into input errors). ' +
    'A 4-filter conv net learns digits; push and gather (the transposed correlation) ' +
    'give the same input errors to rounding, on the trained net and on strided, padded geometries; ' +
    'the learned 3×3 kernels are drawn as images.',
  budgets: {
    quick: { epochs: 8, η: 0.02, filters: 4, patterns: 20, calls: 300, reps: 5 },
    full: { epochs: 30, η: 0.02, filters: 4, patterns: 200, calls: 3000, reps: 9 },
  },

  async run({ budget, random, progress }) {
    const spec = netSpec(budget.filters);
    const { train: trainSet, test: testSet } = splitDataset(loadDigits(), random.derive('split'));
    const initial = initParams(spec, random.derive('init'));
    const engine = createEngine('matrix', spec, initial, { rule: 'backprop' }) as MatrixEngine;
    const totalWork = budget.epochs + GEOMETRIES.length + 1;
    let done = 0;

    // Training (matrix engine, per-pattern SGD).
    const reports: EpochReport[] = train(engine, trainSet, testSet, {
      epochs: budget.epochs,
      η: budget.η,
      batch: 1,
      shuffle: random.derive('shuffle'),
      classify: true,
      spec,
      onEpoch: () => progress(++done, totalWork),
    });
    const learned = engine.snapshot();
    const heldOut = {
      inputs: testSet.inputs.slice(0, budget.patterns),
      targets: testSet.targets.slice(0, budget.patterns),
    };
    const trained = { patterns: heldOut.inputs.length, ...pushVsGatherTrained(engine, learned, heldOut) };
    progress(++done, totalWork);
    const example = { x: testSet.inputs[0]!, label: testSet.targets[0]!.indexOf(1) };
    const Δxpush = pushedError(engine, learned, example.x, testSet.targets[0]!);

    const results: Geometries = [];
    for (const g of GEOMETRIES) {
      results.push(await pushVsGatherGeometry(g, budget, random));
      progress(++done, totalWork);
    }

    const conv = engine.net.layers[0] as Conv;
    const filters = Array.from({ length: conv.F }, (_, f) => f);
    const kernels = {
      initial: filters.map((f) => kernelImage(conv, initial.layers[0]!.weights, f)),
      learned: filters.map((f) => kernelImage(conv, learned.layers[0]!.weights, f)),
    };

    return {
      data: {
        budget,
        net: spec,
        trainingPatterns: trainSet.inputs.length,
        heldOutPatterns: testSet.inputs.length,
        epochs: reports.map((r) => ({ epoch: r.epoch, train: r.train, test: r.test })),
        pushVsGather: { trained, geometries: results.map((r) => r.geometry) },
        kernels,
        example: { label: example.label, input: Array.from(example.x), pushedError: Array.from(Δxpush) },
      },
      timings: { unit: 'microseconds per call (median repetition)', geometries: results.map((r) => r.timing) },
      headline: headlineOf(reports, trainSet.inputs.length, trained, results, budget),
      specs: {
        ...imageCharts(kernels, example, Δxpush, budget),
        training: trainingChart(reports, budget),
        ...pushVsGatherCharts(trained, results, budget),
      },
    };
  },
  claims,
};

export default experiment;
runStandalone(import.meta.url, experiment);
