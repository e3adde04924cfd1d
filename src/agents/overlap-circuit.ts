/**
 * Wiring for overlapping presentations (README, The agents engine): a dense net as a circuit of
 * OverlapNeurons on one clock, every connection with its own delay in ticks.
 *
 *   input ─(delay per first-layer neuron)→ layer 1 neurons ─axon (delay)→ tract 1 ─→ layer 2 neurons … ─→ teacher
 *   teacher ─nudge (delay per output neuron)→ output neurons ─errors (delay)→ error tract L ─→ layer L−1 … layer 1
 *
 *   (direct feedback alignment instead: output neurons ─errors (delay per hidden layer)→ each hidden layer's
 *    direct tract ─→ that layer; hidden neurons push nothing)
 *
 * Tracts hand on at once (delay 0). The delays are drawn once, in this order: input → each first-layer
 * neuron; per layer, each neuron's axon, then (layers ≥ 2) each neuron's error axon (DFA: the output
 * neurons' connections to each hidden layer, neuron by neuron); the teacher → each output neuron.
 * D on every connection, or A + random.int(B − A + 1) per connection for A..B.
 */
import { makeActivation } from '../nn/activation.ts';
import type { Params } from '../nn/params.ts';
import { resolveLayers, type DenseSpec, type NetSpec, type ResolvedLayer } from '../nn/spec.ts';
import { sizeOf } from '../core/tensor.ts';
import type { Random } from '../core/random.ts';
import { Axon } from './axon.ts';
import { Clock } from './clock.ts';
import { OverlapErrorTract } from './overlap-error-tract.ts';
import type { PatternVolley } from './overlap-messages.ts';
import { OverlapNeuron, type WeightVersion } from './overlap-neuron.ts';
import { OverlapTeacher } from './overlap-teacher.ts';
import { OverlapTract } from './overlap-tract.ts';

/** Every connection's delay, in ticks. */
export interface OverlapDelays {
  /** input → neuron j of the first layer. */
  readonly input: readonly number[];
  /** layer l, neuron j: its axon to the next layer's tract (the output layer's: to the teacher). */
  readonly axon: readonly (readonly number[])[];
  /** layer l, neuron j: its error axon to the tract back to layer l − 1 (empty for the first layer). */
  readonly error: readonly (readonly number[])[];
  /** the teacher → output neuron j. */
  readonly nudge: readonly number[];
  /** Direct feedback alignment: output neuron k → hidden layer l's direct tract, [k][l] (`error` is then empty). */
  readonly direct?: readonly (readonly number[])[];
}

export interface OverlapCircuit {
  readonly clock: Clock;
  readonly input: Axon<PatternVolley>;
  readonly layers: readonly (readonly OverlapNeuron[])[];
  readonly teacher: OverlapTeacher;
  readonly delays: OverlapDelays;
}

/** Draw every connection's delay for a dense net of these layer sizes (see the order above). */
export function drawOverlapDelays(
  sizes: readonly number[],
  delay: number,
  jitter: readonly [number, number] | undefined,
  random: Random | undefined,
  direct = false,
): OverlapDelays {
  const [a, b] = jitter ?? [delay, delay];
  const draw = (): number => (a === b ? a : a + random!.int(b - a + 1));
  const many = (n: number): number[] => Array.from({ length: n }, draw);
  const input = many(sizes[0]!);
  const L = sizes.length;
  const axon: number[][] = [];
  const error: number[][] = [];
  let toHidden: number[][] | undefined;
  sizes.forEach((n, l) => {
    axon.push(many(n));
    if (!direct) error.push(l === 0 ? [] : many(n));
    else {
      error.push([]);
      if (l === L - 1) toHidden = Array.from({ length: n }, () => many(L - 1));
    }
  });
  const nudge = many(sizes[L - 1]!);
  return toHidden === undefined ? { input, axon, error, nudge } : { input, axon, error, nudge, direct: toHidden };
}

/**
 * The circuit for a dense net; `backWeights[l]` (feedback alignment, [units][fanIn]) or null (push through w);
 * with `delays.direct`, direct feedback alignment, `backWeights[l]` the hidden layer l's B, [n_L][n_l].
 */
export function wireOverlap(
  spec: NetSpec,
  params: Params,
  backWeights: readonly (Float64Array | null)[],
  weightVersion: WeightVersion,
  delays: OverlapDelays,
): OverlapCircuit {
  const resolved = resolveLayers(spec).map((layer, l) => {
    if (layer.type !== 'dense')
      throw new Error(`layer ${l} is ${layer.type}: overlapping presentations take dense nets`);
    return layer as ResolvedLayer & DenseSpec;
  });
  const clock = new Clock();
  const now = (): number => clock.now();
  const L = resolved.length;
  const sizes = resolved.map((r) => sizeOf(r.outShape));
  const input = new Axon<PatternVolley>();
  const teacher = new OverlapTeacher(sizes[L - 1]!, spec.loss, now);
  const tracts = sizes.map((n) => new OverlapTract(n, now));
  const direct = delays.direct !== undefined;
  const offsets = sizes.map((_, l) => sizes.slice(0, l).reduce((a, n) => a + n, 0));
  const errorTracts = sizes.map((n, l) => (l === 0 || direct ? null : new OverlapErrorTract(sizes[l - 1]!, n, now)));
  const directTracts = sizes.map((n, l) =>
    direct && l < L - 1 ? new OverlapErrorTract(n, sizes[L - 1]!, now, offsets[l]!) : null,
  );
  /** DFA: output neuron k's broadcast weights, row k of every hidden layer's B laid end to end. */
  const broadcast = (k: number): Float64Array => {
    const parts = sizes.slice(0, L - 1).map((n, l) => backWeights[l]!.subarray(k * n, (k + 1) * n));
    const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
    parts.forEach((p, l) => {
      out.set(p, offsets[l]!);
    });
    return out;
  };
  const layers = resolved.map((layer, l) => {
    const { weights, bias } = params.layers[l]!;
    const fanIn = sizeOf(layer.inShape);
    const activation = makeActivation(layer.activation);
    return Array.from({ length: sizes[l]! }, (_, j) => {
      const row = (a: Float64Array): Float64Array => a.subarray(j * fanIn, (j + 1) * fanIn);
      const back = direct ? null : (backWeights[l] ?? null);
      const pushes = direct ? l === L - 1 && L > 1 : l > 0;
      return new OverlapNeuron({
        layer: l,
        index: j,
        activation,
        weights: row(weights),
        bias: bias[j]!,
        backWeights: direct ? (pushes ? broadcast(j) : null) : back === null ? null : row(back),
        pushes,
        weightVersion,
        forward$: l === 0 ? input : tracts[l - 1]!.volleys,
        errors$: l === L - 1 ? teacher.nudges : (directTracts[l] ?? errorTracts[l + 1]!).volleys,
        clock,
      });
    });
  });
  layers.forEach((neurons, l) => {
    if (l < L - 1) tracts[l]!.connect(neurons.map((n) => n.axon));
    else teacher.connect(neurons.map((n) => n.axon));
    errorTracts[l]?.connect(neurons.map((n) => n.errors));
  });
  for (const tract of directTracts) tract?.connect(layers[L - 1]!.map((n) => n.errors));
  input.deliverOn(clock, delays.input);
  layers.forEach((neurons, l) => {
    neurons.forEach((n, j) => {
      n.axon.deliverOn(clock, [delays.axon[l]![j]!]);
      const errorDelays = direct ? (l === L - 1 ? delays.direct![j]! : []) : l === 0 ? [] : [delays.error[l]![j]!];
      n.errors.deliverOn(clock, errorDelays);
    });
    tracts[l]!.volleys.deliverOn(
      clock,
      tracts[l]!.volleys.connectionDelays.map(() => 0),
    );
    const back = errorTracts[l];
    back?.volleys.deliverOn(
      clock,
      back.volleys.connectionDelays.map(() => 0),
    );
  });
  teacher.nudges.deliverOn(clock, delays.nudge);
  return { clock, input, layers, teacher, delays };
}
