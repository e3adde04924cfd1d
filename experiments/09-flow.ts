/**
 * 09 flow: the essay's closing idea made visible. In the agents engine every neuron first carries
 * its activation, then switches to carrying its error; each weight changes through an event that
 * involves only the two neurons it connects. One tick per synaptic hop; for a net of L layers a
 * pattern takes 2L + 2 ticks (pattern starting at tick 0):
 *   0            the input volley x
 *   l            layer l's activations y⁽ˡ⁾ = g(W⁽ˡ⁾ x⁽ˡ⁾ + b⁽ˡ⁾)          (forward, l = 1..L)
 *   L + 1        the teacher's nudge: the target t_j at each output neuron
 *   L + 2 + L − l  layer l's errors Δz⁽ˡ⁾ = g'(z⁽ˡ⁾) ⊙ Δy⁽ˡ⁾, pushed back as w_ij·Δz_j,
 *                and its weight-update events x_i·Δz_j               (backward, l = L..1)
 *   then, per batch, the boundary: w_ij ← w_ij − η·(1/B)·Σ x_i·Δz_j  (2 ticks)
 * Everything drawn here is read from the engine's trace recorder (records of tick, layer, neuron,
 * kind, value); the weights used to show what each synapse carries come from snapshots taken
 * between patterns, when no weight changes.
 */
import type { TraceRecord } from '../src/agents/index.ts';
import { AgentsEngine } from '../src/engines/agents-engine.ts';
import type { Random } from '../src/core/random.ts';
import { createEngine } from '../src/engines/index.ts';
import { initParams, type Params } from '../src/nn/params.ts';
import { parseNetSpec, resolveLayers } from '../src/nn/spec.ts';
import {
  chartTitle,
  flowPlayer,
  runStandalone,
  type Experiment,
  type ExperimentResult,
  type Claim,
  type FlowEdge,
  type FlowFrame,
  type FlowNode,
  type FlowNodeState,
  type FlowPulse,
  type FlowWeights,
  type HeadlineRow,
  type PositionDef,
  type Row,
  type VegaLiteSpec,
} from '../src/report/index.ts';

interface Budget {
  /** Patterns presented, one step (B = 1) after each. */
  patterns: number;
}

const SPEC = parseNetSpec(
  {
    input: [3],
    layers: [
      { type: 'dense', units: 4, activation: 'tanh' },
      { type: 'dense', units: 2, activation: 'identity' },
    ],
    loss: 'mse',
  },
  '09-flow net',
);
const ETA = 0.1;
const SIZES = [3, ...resolveLayers(SPEC).map((l) => l.outShape.reduce((a, b) => a * b, 1))];
const L = SIZES.length - 1;
const PREFIX = ['x', 'h', 'y'];
const SUB = '₀₁₂₃₄₅₆₇₈₉';
const sub = (n: number): string => String(n).replace(/\d/g, (d) => SUB[Number(d)]!);
/** Row label of neuron j (0-based) of layer l (−1 = input), e.g. h₂. */
const nodeLabel = (l: number, j: number): string => `${PREFIX[l + 1]!}${sub(j + 1)}`;
const KIND_ORDER = ['activation', 'nudge', 'error', 'lateral'] as const;
const COLOURS: Record<string, string> = {
  activation: '#4c78a8',
  error: '#c0392b',
  nudge: '#e0b000',
  lateral: '#b07aa1',
  'weight-update': '#2e9e44',
};

interface PatternSpan {
  pattern: number;
  start: number;
  /** The batch boundary's tick (the step after this pattern). */
  boundary: number;
  end: number;
  weights: Params;
  E: number;
}

/**
 * The role of a tick within a pattern (offset from its start), for captions; short, so the player's controls stay put.
 */
function phase(offset: number): string {
  if (offset === 0) return 'input x';
  if (offset <= L) return `forward, layer ${offset}: y = g(Wx + b)`;
  if (offset === L + 1) return "teacher's nudge: targets t";
  const l = 2 * L + 2 - offset; // 1-based layer whose error this is
  return `backward, layer ${l}: error Δz${l > 1 ? ', pushes w·Δz' : ''}`;
}

/** What the run recorded: the patterns, each one's span of ticks, and the trace. */
interface Recording {
  params: Params;
  inputs: Float64Array[];
  targets: Float64Array[];
  spans: PatternSpan[];
  records: TraceRecord[];
  /** max |w_agents − w_matrix| after the run (≤ 1e-12, README "Two axes: engine × rule"). */
  maxDifference: number;
  /** The weights after the last step. */
  final: Params;
}

/** Present the patterns to the agents engine with its trace on, and to the matrix engine beside it. */
function record(patterns: number, random: Random): Recording {
  const params = initParams(SPEC, random.derive('init'));
  const rp = random.derive('patterns');
  const inputs = Array.from({ length: patterns }, () => Float64Array.from({ length: SIZES[0]! }, () => rp.normal()));
  const targets = inputs.map(() => Float64Array.from({ length: SIZES[L]! }, () => 2 * rp.uniform() - 1));
  const engine = new AgentsEngine(SPEC, params, { rule: 'backprop' });
  const matrix = createEngine('matrix', SPEC, params, { rule: 'backprop' });
  const recorder = engine.trace();
  const spans: PatternSpan[] = [];
  for (let p = 0; p < inputs.length; p++) {
    const start = engine.now;
    const weights = engine.snapshot();
    const E = engine.learn(inputs[p]!, targets[p]!);
    const boundary = engine.now;
    engine.step(ETA);
    matrix.learn(inputs[p]!, targets[p]!);
    matrix.step(ETA);
    spans.push({ pattern: p + 1, start, boundary, end: engine.now - 1, weights, E });
  }
  recorder.stop();
  let maxDifference = 0;
  const a = engine.snapshot();
  const m = matrix.snapshot();
  a.layers.forEach((la, l) => {
    for (const key of ['weights', 'bias'] as const)
      la[key].forEach((v, k) => {
        maxDifference = Math.max(maxDifference, Math.abs(v - m.layers[l]![key][k]!));
      });
  });
  return { params, inputs, targets, spans, records: recorder.records, maxDifference, final: a };
}

/** |value| relative to the largest of its kind, so activations (~1) and errors (~0.1) both show. */
function relativeScale(records: TraceRecord[]): (kind: string, v: number) => number {
  const scale: Record<string, number> = {};
  for (const r of records) scale[r.kind] = Math.max(scale[r.kind] ?? 0, Math.abs(r.value));
  return (kind, v) => (scale[kind] ? Math.abs(v) / scale[kind]! : 0);
}

/** The tick axis both charts share, and its width: one column per tick. */
function tickAxis(lastTick: number): { x: PositionDef & { field: string }; width: number } {
  return {
    x: {
      field: 'tick',
      type: 'quantitative',
      title: 'tick (one synaptic hop each)',
      scale: { domain: [-0.5, lastTick + 0.5], nice: false, zero: false },
      axis: { tickMinStep: 1, format: 'd', grid: false },
    },
    width: Math.max(480, 34 * (lastTick + 1)),
  };
}

const kindColours = (kinds: string[]): { domain: string[]; range: string[] } => ({
  domain: kinds,
  range: kinds.map((k) => COLOURS[k]!),
});

/** Per (tick, neuron): how many of its synapses updated and Σ|x·Δz|, for the diamonds. */
function updateEvents(records: TraceRecord[]): Row[] {
  const updates = new Map<string, { tick: number; neuron: string; synapses: number; sum: number }>();
  for (const r of records) {
    if (r.kind !== 'weight-update') continue;
    const key = `${r.tick}|${r.layer}|${r.neuron}`;
    const u = updates.get(key) ?? { tick: r.tick, neuron: nodeLabel(r.layer, r.neuron), synapses: 0, sum: 0 };
    u.synapses++;
    u.sum += Math.abs(r.value);
    updates.set(key, u);
  }
  return [...updates.values()].map((u) => ({
    ...u,
    label: `${u.synapses} synapses, Σ|x·Δz| = ${u.sum.toPrecision(3)}`,
  }));
}

/**
 * A raster of neurons × ticks, coloured by what each neuron carries, with the weight updates and batch boundaries on
 * top.
 */
function spaceTimeChart({ records, spans }: Recording, rel: (kind: string, v: number) => number): VegaLiteSpec {
  const rowOrder = SIZES.flatMap((n, l) => Array.from({ length: n }, (_, j) => nodeLabel(l - 1, j)));
  const cells = records
    .filter((r) => r.kind !== 'weight-update')
    .map((r) => ({
      tick: r.tick,
      neuron: nodeLabel(r.layer, r.neuron),
      kind: r.kind,
      value: r.value,
      magnitude: rel(r.kind, r.value),
    }));
  const boundaries = spans.map((s) => ({ tick: s.boundary - 0.5, label: 'step' }));
  const patternLabels = spans.map((s) => ({ tick: s.start - 0.5, label: `pattern ${s.pattern}` }));
  const kinds = KIND_ORDER.filter((k) => cells.some((c) => c.kind === k));
  const { x, width } = tickAxis(spans[spans.length - 1]!.end);
  const y: PositionDef = {
    field: 'neuron',
    type: 'ordinal',
    sort: rowOrder,
    title: null,
    scale: { paddingInner: 0.08 },
  };
  return {
    title: chartTitle('Space-time: what each neuron carries at each tick', [
      `3-4-2 net (tanh hidden, identity output, mse), agents engine, back-prop, B = 1, η = ${ETA}; ` +
        `rows x input, h hidden, y output`,
      'colour: what the neuron carries; shade: |value| relative to the largest of its kind; ' +
        'green diamonds: weight-update events on its synapses;',
      'dotted green: the batch boundary, where every synapse applies w ← w − η·x·Δz',
    ]),
    width,
    height: 28 * rowOrder.length,
    // The flow player moves this marker with its slider (the report page sets the signal).
    params: [{ name: 'cursor', value: -10 }],
    layer: [
      {
        // A rect on a quantitative x needs its extent: one tick wide, centred on the tick.
        data: { values: cells },
        transform: [
          { calculate: 'datum.tick - 0.46', as: 'left' },
          { calculate: 'datum.tick + 0.46', as: 'right' },
        ],
        mark: { type: 'rect' },
        encoding: {
          x: { ...x, field: 'left' },
          x2: { field: 'right' },
          y,
          color: { field: 'kind', type: 'nominal', title: 'carries', sort: kinds, scale: kindColours(kinds) },
          opacity: {
            field: 'magnitude',
            type: 'quantitative',
            title: 'relative |value|',
            scale: { domain: [0, 1], range: [0.12, 1] },
            legend: { orient: 'right' },
          },
          tooltip: [
            { field: 'tick' },
            { field: 'neuron' },
            { field: 'kind' },
            { field: 'value', type: 'quantitative', format: '.4f' },
          ],
        },
      },
      {
        data: { values: updateEvents(records) },
        mark: {
          type: 'point',
          shape: 'diamond',
          filled: true,
          size: 90,
          color: COLOURS['weight-update'],
          stroke: 'white',
          strokeWidth: 1,
          xOffset: 9,
          yOffset: -6,
        },
        encoding: {
          x: { ...x },
          y,
          tooltip: [{ field: 'tick' }, { field: 'neuron' }, { field: 'label', title: 'weight update' }],
        },
      },
      {
        data: { values: boundaries },
        mark: { type: 'rule', strokeDash: [3, 3], color: COLOURS['weight-update'], strokeWidth: 1.5 },
        encoding: { x: { field: 'tick', type: 'quantitative' } },
      },
      {
        data: { values: [...boundaries, ...patternLabels] },
        mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 3, dy: -3, fontSize: 10, color: '#444' },
        encoding: { x: { field: 'tick', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
      },
      {
        data: { values: [{}] },
        transform: [{ calculate: 'cursor', as: 'tick' }],
        mark: { type: 'rule', color: '#111', strokeWidth: 2.5, opacity: 0.7, clip: true },
        encoding: { x: { field: 'tick', type: 'quantitative' } },
      },
    ],
  };
}

/** Messages per tick, by kind: the counts behind the space-time picture. */
function messagesChart({ records, spans }: Recording): VegaLiteSpec {
  const perTick = new Map<string, { tick: number; kind: string; messages: number }>();
  for (const r of records) {
    const key = `${r.tick}|${r.kind}`;
    const c = perTick.get(key) ?? { tick: r.tick, kind: r.kind, messages: 0 };
    c.messages++;
    perTick.set(key, c);
  }
  const kinds = [...KIND_ORDER.filter((k) => records.some((r) => r.kind === k)), 'weight-update'];
  const { x, width } = tickAxis(spans[spans.length - 1]!.end);
  return {
    title: chartTitle('Messages per tick, by kind, as the trace records them', [
      'weight-update: one event per synapse (bias included); the input volley is counted as activations; ' +
        'ticks with none: the batch boundary;',
      "the first layer's errors (in each pattern's last backward tick) " +
        'exist only because the trace is attached: nothing reads them',
    ]),
    data: { values: [...perTick.values()] },
    width,
    height: 160,
    mark: { type: 'bar', width: 28 },
    encoding: {
      x: { ...x, title: 'tick (the same axis as the space-time picture)' },
      y: { field: 'messages', type: 'quantitative', title: 'messages' },
      color: { field: 'kind', type: 'nominal', title: 'kind', sort: kinds, scale: kindColours(kinds) },
      order: { field: 'kind' },
    },
  };
}

/** The drawn network: a node per neuron and the teacher, an edge per synapse and per output → teacher. */
function networkLayout(): { nodes: FlowNode[]; edges: FlowEdge[]; edgeIndex: number[][][]; teacherEdges: number[] } {
  const nodes: FlowNode[] = SIZES.flatMap((n, l) =>
    Array.from({ length: n }, (_, j) => ({
      id: nodeLabel(l - 1, j),
      x: l,
      y: j - (n - 1) / 2,
      label: nodeLabel(l - 1, j),
    })),
  );
  nodes.push({ id: 'teacher', x: L + 0.8, y: 0, label: 'teacher' });
  const edges: FlowEdge[] = [];
  /** edgeIndex[l][j][i]: edge from neuron i of layer l − 1 to neuron j of layer l (layers 0-based, as in Params). */
  const edgeIndex: number[][][] = [];
  for (let l = 0; l < L; l++) {
    edgeIndex.push([]);
    for (let j = 0; j < SIZES[l + 1]!; j++) {
      edgeIndex[l]!.push([]);
      for (let i = 0; i < SIZES[l]!; i++)
        edgeIndex[l]![j]!.push(edges.push({ from: nodeLabel(l - 1, i), to: nodeLabel(l, j) }) - 1);
    }
  }
  const teacherEdges = Array.from(
    { length: SIZES[L]! },
    (_, j) => edges.push({ from: nodeLabel(L - 1, j), to: 'teacher' }) - 1,
  );
  return { nodes, edges, edgeIndex, teacherEdges };
}

/** Params → the player's weights: per edge its w (null for the teacher's edges), per node its bias. */
function weightSet(params: Params, layout: ReturnType<typeof networkLayout>): FlowWeights {
  const edges: (number | null)[] = layout.edges.map(() => null);
  const biases: (number | null)[] = layout.nodes.map(() => null);
  const nodeIndex = new Map(layout.nodes.map((n, k) => [n.id, k]));
  params.layers.forEach((layer, l) => {
    const n = SIZES[l]!;
    for (let j = 0; j < SIZES[l + 1]!; j++) {
      for (let i = 0; i < n; i++) edges[layout.edgeIndex[l]![j]![i]!] = layer.weights[j * n + i]!;
      biases[nodeIndex.get(nodeLabel(l, j))!] = layer.bias[j]!;
    }
  });
  return { edges, biases };
}

/**
 * The animation's frames: one per tick, and a second one at each tick with weight-update events.
 * Every neuron keeps its state: what it carries last (its activation, then after its error tick its
 * error) stays drawn until it next changes, so the switch from activation to error is seen.
 */
function flowFrames(
  { records, spans }: Recording,
  rel: (kind: string, v: number) => number,
  layout: ReturnType<typeof networkLayout>,
): FlowFrame[] {
  const { nodes, edgeIndex, teacherEdges } = layout;
  const nodeIndex = new Map(nodes.map((n, k) => [n.id, k]));
  const teacher = nodeIndex.get('teacher')!;
  const byTick = new Map<number, TraceRecord[]>();
  for (const r of records) byTick.set(r.tick, [...(byTick.get(r.tick) ?? []), r]);
  const synapseEdge = (r: TraceRecord): number => edgeIndex[r.layer]![r.neuron]![r.pre!]!;
  const states: FlowNodeState[] = nodes.map(() => ({ carries: 'idle', errorFraction: 0, strength: 0, value: 0 }));
  const frames: FlowFrame[] = [];
  spans.forEach((span, p) => {
    const W = span.weights.layers;
    for (let tick = span.start; tick <= span.end; tick++) {
      const recs = byTick.get(tick) ?? [];
      const pulses: FlowPulse[] = [];
      states[teacher] = { carries: 'idle', errorFraction: 0, strength: 0, value: 0 };
      for (const r of recs) {
        if (r.kind === 'weight-update') continue;
        const k = nodeIndex.get(nodeLabel(r.layer, r.neuron))!;
        if (r.kind === 'activation') {
          states[k] = { carries: 'activation', errorFraction: 0, strength: rel('activation', r.value), value: r.value };
          // The activation leaves along the neuron's outgoing synapses (the output's to the teacher).
          if (r.layer < L - 1)
            for (let j = 0; j < SIZES[r.layer + 2]!; j++)
              pulses.push({
                edge: edgeIndex[r.layer + 1]![j]![r.neuron]!,
                direction: 1,
                kind: 'activation',
                strength: rel('activation', r.value),
              });
          else
            pulses.push({
              edge: teacherEdges[r.neuron]!,
              direction: 1,
              kind: 'activation',
              strength: rel('activation', r.value),
            });
        } else if (r.kind === 'nudge') {
          states[teacher] = { carries: 'nudge', errorFraction: 0, strength: 1, value: r.value };
          states[k] = { ...states[k]!, carries: 'nudge' };
          pulses.push({ edge: teacherEdges[r.neuron]!, direction: -1, kind: 'nudge', strength: rel('nudge', r.value) });
        } else if (r.kind === 'error') {
          states[k] = { carries: 'error', errorFraction: 1, strength: rel('error', r.value), value: r.value };
          if (r.layer > 0) {
            const n = SIZES[r.layer]!;
            for (let i = 0; i < n; i++)
              pulses.push({
                edge: edgeIndex[r.layer]![r.neuron]![i]!,
                direction: -1,
                kind: 'error',
                strength: rel('error', W[r.layer]!.weights[r.neuron * n + i]! * r.value),
              });
          }
        }
      }
      const inPlace = tick <= span.boundary ? p : p + 1;
      const caption = `pattern ${span.pattern}, ${
        tick < span.boundary
          ? phase(tick - span.start)
          : tick === span.boundary
            ? 'step: w ← w − η·x·Δz'
            : 'new weights in place'
      }`;
      // The step: every synapse changes by −η·x·Δz (B = 1), from this pattern's events.
      const changes =
        tick === span.boundary
          ? records
              .filter(
                (r) => r.kind === 'weight-update' && r.tick >= span.start && r.tick < span.boundary && r.pre! >= 0,
              )
              .map((r) => ({ edge: synapseEdge(r), delta: -ETA * r.value }))
          : [];
      frames.push({ tick, caption, nodes: states.map((s) => ({ ...s })), pulses, lit: [], weights: inPlace, changes });
      const updatesAt = recs.filter((r) => r.kind === 'weight-update' && r.pre! >= 0);
      if (updatesAt.length > 0) {
        // A second frame at the same tick: each synapse's local update, from its presynaptic x_i (ringed) and its
        // neuron's Δz.
        const layer = updatesAt[0]!.layer;
        const lit = [...new Set(updatesAt.map((r) => nodeIndex.get(nodeLabel(layer - 1, r.pre!))!))];
        frames.push({
          tick,
          caption:
            `pattern ${span.pattern}, layer ${layer + 1}: local updates x_i·Δz_j from the ringed ` +
            `presynaptic neurons`,
          nodes: states.map((s) => ({ ...s })),
          pulses: [],
          lit,
          weights: inPlace,
          changes: updatesAt.map((r) => ({ edge: synapseEdge(r), delta: -ETA * r.value })),
        });
      }
    }
  });
  return frames;
}

function flowAnimation(recording: Recording, rel: (kind: string, v: number) => number): string {
  const layout = networkLayout();
  return flowPlayer({
    id: 'flow',
    title:
      'The agents engine, tick by tick: each neuron holds what it carries — activation (blue, from below) ' +
      'until its error arrives, then error (red, from above). Pulses run along the synapses the way the ' +
      'message travels.',
    nodes: layout.nodes,
    edges: layout.edges,
    weightSets: [...recording.spans.map((s) => weightSet(s.weights, layout)), weightSet(recording.final, layout)],
    frames: flowFrames(recording, rel, layout),
    width: 640,
    height: 320,
    radius: 15,
    palette: COLOURS,
    interval: 900,
    raster: 'flow/space-time',
  });
}

function headlineOf({ records, spans, maxDifference }: Recording, patterns: number): HeadlineRow[] {
  const count = (kind: string): number => records.filter((r) => r.kind === kind && r.layer >= 0).length / spans.length;
  return [
    {
      quantity: 'ticks per pattern (learn)',
      value: spans[0]!.boundary - spans[0]!.start,
      detail: `2L + 2 with L = ${L} layers, then 2 ticks for the batch boundary`,
    },
    {
      quantity: 'activation messages per pattern',
      value: count('activation'),
      detail: 'one per hidden and output neuron',
    },
    { quantity: 'nudges per pattern', value: count('nudge'), detail: 'the teacher, one per output neuron' },
    {
      quantity: 'error messages per pattern',
      value: count('error'),
      detail: "one per neuron (the first layer's only because the trace observes them)",
    },
    {
      quantity: 'weight-update events per pattern',
      value: count('weight-update'),
      detail: 'one per synapse, biases included',
    },
    {
      quantity: 'max |w_agents − w_matrix| after the run',
      value: maxDifference,
      detail: `${patterns} patterns, B = 1, η = ${ETA}`,
    },
  ];
}

interface Data {
  net: { layers: { units: number }[] };
  patterns: { startTick: number; boundaryTick: number }[];
  records: TraceRecord[];
  maxDifferenceToMatrix: number;
}

function claims(raw: unknown): Claim[] {
  const d = raw as Data;
  const first = d.records.filter((r) => r.tick >= d.patterns[0]!.startTick && r.tick < d.patterns[0]!.boundaryTick);
  const hidden = d.net.layers[0]!.units;
  const tickOf = (kind: string, neuron: number): number | undefined =>
    first.find((r) => r.kind === kind && r.layer === 0 && r.neuron === neuron)?.tick;
  const switches = Array.from({ length: hidden }, (_, j) => ({
    forward: tickOf('activation', j),
    error: tickOf('error', j),
  }));
  const count = (kind: string, layer?: number): number =>
    first.filter((r) => r.kind === kind && r.layer >= 0 && (layer === undefined || r.layer === layer)).length;
  const traceOnly = count('error', 0);
  const engine = count('activation') + count('nudge') + count('error') - traceOnly;
  const synapses = d.net.layers.reduce(
    (a, l, k) => a + l.units * ((k === 0 ? SIZES[0]! : d.net.layers[k - 1]!.units) + 1),
    0,
  );
  return [
    {
      text:
        `Every hidden neuron switches role: each of the ${hidden} carries its activation at ` +
        `tick ${switches[0]!.forward} and its error at tick ${switches[0]!.error} of the same pattern.`,
      holds: switches.every(
        (s) =>
          s.forward !== undefined &&
          s.error !== undefined &&
          s.error > s.forward &&
          s.forward === switches[0]!.forward &&
          s.error === switches[0]!.error,
      ),
      key: false,
    },
    {
      text:
        `Per pattern the engine sends ${engine} neuron messages (activations, nudges, errors pushed back); ` +
        `the trace shows ${traceOnly} more, the first layer's errors, which reach no one; ` +
        `and ${count('weight-update')} weight-update events, one per synapse (${synapses} with the biases).`,
      holds: count('weight-update') === synapses && traceOnly === hidden,
    },
    {
      text:
        `The traced agents engine ends with the matrix engine's weights: ` +
        `max |w_agents − w_matrix| = ${d.maxDifferenceToMatrix.toExponential(1)}.`,
      holds: d.maxDifferenceToMatrix <= 1e-12,
    },
  ];
}

const experiment: Experiment<Budget> = {
  name: 'flow',
  description:
    'The forward and backward flow through a 3-4-2 net in the agents engine, tick by tick, ' +
    'read from its trace: each neuron first carries its activation, the teacher nudges the outputs, ' +
    'then each neuron switches to carrying its error and every synapse updates from its presynaptic trace ' +
    "and its own error (the essay's closing idea: merged variables make learning local). " +
    'An animated network where each neuron keeps its state, with the space-time picture below it.',
  budgets: { quick: { patterns: 3 }, full: { patterns: 6 } },

  async run({ budget, random }): Promise<ExperimentResult> {
    const recording = record(budget.patterns, random);
    const { params, inputs, targets, spans, records, maxDifference } = recording;
    const rel = relativeScale(records);
    return {
      data: {
        budget,
        net: SPEC,
        η: ETA,
        params: { layers: params.layers.map((l) => ({ weights: Array.from(l.weights), bias: Array.from(l.bias) })) },
        patterns: spans.map((s) => ({
          pattern: s.pattern,
          input: Array.from(inputs[s.pattern - 1]!),
          target: Array.from(targets[s.pattern - 1]!),
          E: s.E,
          startTick: s.start,
          boundaryTick: s.boundary,
        })),
        records,
        maxDifferenceToMatrix: maxDifference,
      },
      headline: headlineOf(recording, budget.patterns),
      specs: { 'space-time': spaceTimeChart(recording, rel), messages: messagesChart(recording) },
      html: flowAnimation(recording, rel),
    };
  },
  claims,
};

export default experiment;
runStandalone(import.meta.url, experiment);
