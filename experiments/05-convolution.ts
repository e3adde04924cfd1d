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
import { initParams } from '../src/nn/params.ts';
import { train, type EpochReport } from '../src/nn/sgd.ts';
import { parseNetSpec, resolveLayers, type ConvSpec, type NetSpec, type ResolvedLayer } from '../src/nn/spec.ts';
import { runStandalone, seriesChart, type Experiment, type HeadlineRow, type VegaLiteSpec } from '../src/report/index.ts';

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

/** Conv geometries for push against gather: the trained net's first, then strides, paddings and channels that exercise the index bookkeeping. */
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
    layers: [{ type: 'conv', filters: g.filters, kernel: g.kernel, stride: g.stride, padding: g.padding, activation: 'tanh' }],
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

/** Median µs per call of each of `fns`, over `reps` repetitions of `calls` calls, alternating between them so load on the machine hits both alike. */
function timeCalls(fns: (() => void)[], calls: number, reps: number): number[] {
  const times: number[][] = fns.map(() => []);
  for (let r = 0; r < reps; r++)
    fns.forEach((fn, i) => {
      const t0 = performance.now();
      for (let k = 0; k < calls; k++) fn();
      times[i]!.push(((performance.now() - t0) * 1000) / calls);
    });
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!);
}

/** A grid of heatmaps (one per facet value) from rows {facet, row, col, value}, diverging colours centred on 0. */
function heatmapGrid(o: { title: string; subtitle: string; values: Record<string, string | number>[]; facet: string; sort: string[]; columns: number; cell: number; n: number; legend: string; extent: number }): VegaLiteSpec {
  return {
    title: { text: o.title, subtitle: o.subtitle },
    data: { values: o.values },
    facet: { field: o.facet, type: 'nominal', sort: o.sort, header: { title: null } },
    columns: o.columns,
    spec: {
      width: o.cell * o.n,
      height: o.cell * o.n,
      mark: { type: 'rect', stroke: '#fff', strokeWidth: 0.5 },
      encoding: {
        x: { field: 'col', type: 'ordinal', axis: null },
        y: { field: 'row', type: 'ordinal', axis: null },
        color: { field: 'value', type: 'quantitative', title: o.legend, scale: { scheme: 'redblue', reverse: true, domain: [-o.extent, o.extent] } },
        tooltip: [{ field: 'value', type: 'quantitative', format: '.3f' }],
      },
    },
  } as unknown as VegaLiteSpec;
}

/** How the geometry labels read; goes in the subtitles (a rotated axis title this long would stretch the chart). */
const GEOMETRY_KEY = 'rows: channels in → filters, kernel k×k, stride s, padding p';

/** Horizontal bars on a log x axis, starting at `floor` (a log scale has no zero to start from), with a dashed reference line. */
function logBars(o: { title: string; subtitle: string[]; values: Record<string, string | number>[]; sort: string[]; field: string; axisTitle: string; floor: number; rule: number }): VegaLiteSpec {
  const x = { field: o.field, type: 'quantitative', title: o.axisTitle, scale: { type: 'log', domain: [o.floor, 1e-10] }, axis: { format: '.0e' } };
  return {
    title: { text: o.title, subtitle: o.subtitle },
    data: { values: o.values },
    width: 420,
    height: { step: 26 },
    layer: [
      { mark: { type: 'bar', color: '#4c78a8' }, encoding: { y: { field: 'geometry', type: 'nominal', sort: o.sort, title: null, axis: { labelLimit: 300 } }, x, x2: { datum: o.floor } } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 }, encoding: { y: { field: 'geometry', type: 'nominal', sort: o.sort }, x, text: { field: 'label', type: 'nominal' } } },
      { mark: { type: 'rule', strokeDash: [4, 3], color: '#555' }, encoding: { x: { datum: o.rule } } },
    ],
  } as unknown as VegaLiteSpec;
}

/** Grouped horizontal bars: µs per call, push and gather side by side per geometry. */
function timeBars(o: { title: string; subtitle: string[]; values: Record<string, string | number>[]; sort: string[] }): VegaLiteSpec {
  return {
    title: { text: o.title, subtitle: o.subtitle },
    data: { values: o.values },
    width: 420,
    height: { step: 14 },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'geometry', type: 'nominal', sort: o.sort, title: null, axis: { labelLimit: 300 } },
      yOffset: { field: 'method', type: 'nominal', sort: ['push (essay)', 'gather'] },
      x: { field: 'microseconds', type: 'quantitative', title: 'µs per call' },
      color: { field: 'method', type: 'nominal', title: null, sort: ['push (essay)', 'gather'] },
    },
  } as unknown as VegaLiteSpec;
}

const experiment: Experiment<Budget> = {
  name: 'convolution',
  description:
    "The essay's convolution: shared kernels whose gradient sums every input/output pair, and errors pushed back through the same kernel (loop over output errors, scatter into input errors). A 4-filter conv net learns digits; push and gather (the transposed correlation) give the same input errors to rounding, on the trained net and on strided, padded geometries; the learned 3×3 kernels are drawn as images.",
  budgets: {
    quick: { epochs: 8, η: 0.02, filters: 4, patterns: 20, calls: 300, reps: 5 },
    full: { epochs: 30, η: 0.02, filters: 4, patterns: 200, calls: 3000, reps: 9 },
  },

  async run({ budget, random, progress }) {
    const spec = netSpec(budget.filters);
    const digits = loadDigits();
    const { train: trainSet, test: testSet } = splitDataset(digits, random.derive('split'));
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
    const last = reports[reports.length - 1]!;

    // Push against gather on the trained conv layer, with the errors the trained net sends down to it.
    const net = engine.net;
    const conv = net.layers[0] as Conv;
    const Δxpush = new Float64Array(conv.inSize);
    const Δxgather = new Float64Array(conv.inSize);
    let trainedDiff = 0;
    let trainedScale = 0;
    const heldOut = testSet.inputs.slice(0, budget.patterns);
    heldOut.forEach((x, p) => {
      const g = { layers: learned.layers.map((l) => ({ weights: new Float64Array(l.weights.length), bias: new Float64Array(l.bias.length) })) };
      net.backprop(x, testSet.targets[p]!, g); // fills Δz of the conv layer
      conv.pushError(net.Δz[0]!, Δxpush);
      conv.gatherError(net.Δz[0]!, Δxgather);
      trainedDiff = Math.max(trainedDiff, maxAbsDiff(Δxpush, Δxgather));
      trainedScale = Math.max(trainedScale, maxAbs(Δxpush));
    });
    progress(++done, totalWork);

    // One example: a held-out digit and the error that the push sends back to its pixels.
    const example = 0;
    net.backprop(testSet.inputs[example]!, testSet.targets[example]!, { layers: learned.layers.map((l) => ({ weights: new Float64Array(l.weights.length), bias: new Float64Array(l.bias.length) })) });
    conv.pushError(net.Δz[0]!, Δxpush);
    const exampleLabel = testSet.targets[example]!.indexOf(1);

    // Push against gather on random errors, several geometries; and their time.
    const geometries = [];
    const timings = [];
    for (const g of GEOMETRIES) {
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
      geometries.push({
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
      });
      const [push, gather] = timeCalls([() => layer.pushError(Δz, a), () => layer.gatherError(Δz, b)], budget.calls, budget.reps) as [number, number];
      timings.push({ geometry: g.label, pushMicroseconds: push, gatherMicroseconds: gather, calls: budget.calls, reps: budget.reps });
      progress(++done, totalWork);
    }

    // Kernels as images: initial and learned, per filter.
    const K = conv.K;
    const kernelRows: Record<string, string | number>[] = [];
    const kernels = { initial: [] as number[][][], learned: [] as number[][][] };
    for (const [stage, params] of [['initial', initial], ['learned', learned]] as const) {
      const w = params.layers[0]!.weights;
      for (let f = 0; f < conv.F; f++) {
        const image: number[][] = [];
        for (let ky = 0; ky < K; ky++) {
          const row: number[] = [];
          for (let kx = 0; kx < K; kx++) {
            const value = w[conv.weightIndex(f, 0, ky, kx)]!;
            row.push(value);
            kernelRows.push({ panel: `${stage}, filter ${f + 1}`, row: ky, col: kx, value });
          }
          image.push(row);
        }
        kernels[stage].push(image);
      }
    }
    const panels = ['initial', 'learned'].flatMap((s) => Array.from({ length: conv.F }, (_, f) => `${s}, filter ${f + 1}`));
    const kernelExtent = Math.max(...kernelRows.map((r) => Math.abs(r['value'] as number)));

    const pixelRows: Record<string, string | number>[] = [];
    const x = testSet.inputs[example]!;
    for (let iy = 0; iy < 8; iy++)
      for (let ix = 0; ix < 8; ix++) {
        pixelRows.push({ panel: `input (digit ${exampleLabel})`, row: iy, col: ix, value: x[iy * 8 + ix]! });
        pixelRows.push({ panel: 'Δx pushed back', row: iy, col: ix, value: Δxpush[iy * 8 + ix]! / maxAbs(Δxpush) });
      }

    const curves = reports.flatMap((r) => [
      { epoch: r.epoch, set: 'training', metric: 'loss (mean E per pattern)', value: r.train.loss },
      { epoch: r.epoch, set: 'held-out', metric: 'loss (mean E per pattern)', value: r.test!.loss },
      { epoch: r.epoch, set: 'training', metric: 'accuracy', value: r.train.accuracy! },
      { epoch: r.epoch, set: 'held-out', metric: 'accuracy', value: r.test!.accuracy! },
    ]);

    const worstDiff = Math.max(trainedDiff, ...geometries.map((g) => g.maxAbsDifference));
    const headline: HeadlineRow[] = [
      { quantity: 'held-out accuracy after training', value: `${(100 * last.test!.accuracy!).toFixed(1)}%`, detail: `${budget.epochs} epochs, η = ${budget.η}, B = 1, ${trainSet.inputs.length} training patterns` },
      { quantity: 'max |push − gather|, trained net', value: trainedDiff, detail: `over ${heldOut.length} held-out patterns; max |Δx| = ${trainedScale.toPrecision(3)}` },
      { quantity: 'max |push − gather|, all geometries', value: worstDiff, detail: `${GEOMETRIES.length} geometries × ${budget.patterns} random Δz` },
      ...timings.map((t) => ({ quantity: `µs per call, ${t.geometry}`, value: `push ${t.pushMicroseconds.toFixed(2)}, gather ${t.gatherMicroseconds.toFixed(2)}`, detail: `median of ${t.reps} × ${t.calls} calls (timings.json)` })),
    ];

    const order = GEOMETRIES.map((g) => g.label);
    return {
      data: {
        budget,
        net: spec,
        trainingPatterns: trainSet.inputs.length,
        heldOutPatterns: testSet.inputs.length,
        epochs: reports.map((r) => ({ epoch: r.epoch, train: r.train, test: r.test })),
        pushVsGather: { trained: { patterns: heldOut.length, maxAbsDifference: trainedDiff, maxAbsInputError: trainedScale }, geometries },
        kernels,
        example: { label: exampleLabel, input: Array.from(x), pushedError: Array.from(Δxpush) },
      },
      timings: { unit: 'microseconds per call (median repetition)', geometries: timings },
      headline,
      specs: {
        kernels: heatmapGrid({
          title: `The ${conv.F} conv kernels (3×3), before and after learning`,
          subtitle: `weights w[f,0,ky,kx]; red positive, blue negative; ${budget.epochs} epochs of per-pattern SGD on digits`,
          values: kernelRows,
          facet: 'panel',
          sort: panels,
          columns: conv.F,
          cell: 34,
          n: K,
          legend: 'weight',
          extent: kernelExtent,
        }),
        'input-error': heatmapGrid({
          title: 'A held-out digit and the error pushed back to its pixels',
          subtitle: 'Δx = Σ w·Δz scattered through the learned kernels (push; gather gives the same to rounding), scaled to max |Δx| = 1',
          values: pixelRows,
          facet: 'panel',
          sort: [`input (digit ${exampleLabel})`, 'Δx pushed back'],
          columns: 2,
          cell: 18,
          n: 8,
          legend: 'value',
          extent: 1,
        }),
        training: seriesChart({
          title: 'Conv net on digits: loss and accuracy per epoch',
          subtitle: `matrix engine, back-prop, η = ${budget.η}, B = 1`,
          values: curves,
          x: { field: 'epoch' },
          y: { field: 'value', title: null, zero: false },
          color: { field: 'set', title: null, sort: ['training', 'held-out'] },
          column: { field: 'metric', title: '', sort: ['loss (mean E per pattern)', 'accuracy'] },
          mark: 'line+point',
          independentY: true,
          width: 260,
          height: 200,
        }),
        'push-vs-gather': logBars({
          title: 'Push against gather: largest |Δx difference| per geometry',
          subtitle: [
            `over ${budget.patterns} random error patterns each (first row: the trained net's own errors on ${heldOut.length} held-out digits)`,
            `exact zeros drawn at ${FLOOR}; dashed: one rounding unit of the largest |Δx| (2⁻⁵²·max|Δx|)`,
            GEOMETRY_KEY,
          ],
          values: [
            { geometry: 'trained net (1→4, 3×3, s1 p1)', difference: Math.max(trainedDiff, FLOOR), label: diffLabel(trainedDiff) },
            ...geometries.map((g) => ({ geometry: g.geometry, difference: Math.max(g.maxAbsDifference, FLOOR), label: diffLabel(g.maxAbsDifference) })),
          ],
          sort: ['trained net (1→4, 3×3, s1 p1)', ...order],
          field: 'difference',
          axisTitle: 'max |push − gather|',
          floor: FLOOR,
          rule: Number.EPSILON * Math.max(trainedScale, ...geometries.map((g) => g.maxAbsInputError)),
        }),
        'push-gather-time': timeBars({
          title: 'Push against gather: time per backward call',
          subtitle: [`from timings.json (wall clock, varies by machine and run): median of ${budget.reps} × ${budget.calls} calls`, GEOMETRY_KEY],
          values: timings.flatMap((t) => [
            { geometry: t.geometry, method: 'push (essay)', microseconds: t.pushMicroseconds },
            { geometry: t.geometry, method: 'gather', microseconds: t.gatherMicroseconds },
          ]),
          sort: order,
        }),
      },
    };
  },
};

export default experiment;
runStandalone(import.meta.url, experiment);
