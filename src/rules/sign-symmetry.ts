/**
 * The sign-symmetry family: back-prop with the error sent back through feedback weights that share
 * the sign of the forward weights but not their magnitude (Liao, Leibo & Poggio 2016, "How important
 * is weight symmetry in backpropagation?", AAAI; Moskovitz, Litwin-Kumar & Abbott 2018, "Feedback
 * alignment in deep convolutional networks", arXiv:1812.06488; the names and the three variants as in
 * BioTorch: Sanfiz & Akrout 2021, "Benchmarking the accuracy and robustness of feedback alignment
 * algorithms", arXiv:2108.13446). For layer l ≥ 2 the feedback matrix V⁽ˡ⁾, in W⁽ˡ⁾'s layout, is
 *   usf    (uniform sign-concordant feedback)        v_ij = sign(w_ij)
 *   frsf   (fixed random-magnitude sign-concordant)  v_ij = |b_ij| · sign(w_ij),  b_ij drawn once
 *   brsf   (batchwise random-magnitude)              v_ij = |b_ij| · sign(w_ij),  b_ij drawn anew every batch
 * sign(w) is read from the current W at every pattern (the weights as in the forward pass), so V
 * follows W as it learns; b_ij ~ N(0, 1/fanIn), FA's scale (feedback-alignment.ts). BioTorch
 * (biotorch/layers/fa_constructor) draws M Xavier-uniform instead, redraws brsf's "after each update
 * of W (i.e., each mini-batch)" as here, and may scale V by its `scaling_factor`
 * √(2/(fanIn + fanOut)), with PyTorch's fans (torch.nn.init._calculate_fan_in_and_fan_out): dense
 * fanIn = inputs, fanOut = units; conv fanIn = in_channels·k·k, fanOut = out_channels·k·k. uSF keeps
 * Liao et al.'s unit magnitudes by default; its option `scaled` (`--scaled`) takes BioTorch's scale:
 *   usf scaled                                       v_ij = s_l · sign(w_ij),  s_l = √(2/(fanIn + fanOut))
 *   output    Δz⁽ᴸ⁾ = g'(z⁽ᴸ⁾) ⊙ Δy⁽ᴸ⁾                  (exact, as in back-prop)
 *   backward  Δy⁽ˡ⁻¹⁾ = V⁽ˡ⁾ᵀ Δz⁽ˡ⁾,  Δz⁽ˡ⁾ = g'(z⁽ˡ⁾) ⊙ Δy⁽ˡ⁾
 *   update    u_ij = x_i Δz_j,  bias Δz_j
 * A conv layer's V is a kernel of W's shape: v is shared by the positions as w is.
 *
 * As a neuron's behaviour: back-prop's switch, Δz_j = g'(z_j)·Δy_j, then the neuron pushes
 * sign(w_ij)·Δz_j (usf; scaled: (s_l·sign(w_ij))·Δz_j, s_l a constant of its layer handed out by the
 * wiring as FA's B is) or (|b_ij|·sign(w_ij))·Δz_j (frsf, brsf) back along synapse i: it reads the
 * sign off its own synapse, and |b_ij| is its own. frsf's |b| is handed out once by the wiring as
 * feedback alignment's B is. brsf's is drawn by the neuron itself, from its own stream, anew at each
 * batch boundary (a conv position draws its filter's kernel and keeps its taps), so that both engines
 * draw the same numbers: unit j of a dense layer l (filter j of a conv layer) draws its row of b⁽ˡ⁾
 * from createRandom(seed).derive(`brsf/l/j`), l 0-based, one row per batch, the first at the start.
 */
import type { Behaviour, Cell } from '../agents/behaviour.ts';
import { InputError } from '../core/errors.ts';
import { createRandom, type Random } from '../core/random.ts';
import { sizeOf } from '../core/tensor.ts';
import type { Network } from '../nn/network.ts';
import type { Params } from '../nn/params.ts';
import { resolveLayers, type NetSpec, type ResolvedLayer } from '../nn/spec.ts';
import {
  accumulateThrough,
  DEFAULT_FEEDBACK_SEED,
  fixedBackWeightsBehaviour,
  type FeedbackOptions,
} from './feedback-alignment.ts';
import type { MatrixRule, Rule } from './rule.ts';

export type SignFeedbackName = 'usf' | 'frsf' | 'brsf';

/** A layer's weights as rows: one per unit (dense) or filter (conv), of fanIn entries each. */
function rowsOf(layer: ResolvedLayer): { rows: number; fanIn: number } {
  const [rows, ...rest] = layer.weightShape as number[];
  return { rows: rows!, fanIn: sizeOf(rest) };
}

/** usf's option: scale layer l's feedback by s_l = √(2/(fanIn + fanOut)) (BioTorch); default false. */
export interface UniformSignOptions {
  scaled?: boolean;
}

/** `scaled` checked; InputError for anything but true, false or absent. */
function scaledOption(options: UniformSignOptions): boolean {
  const { scaled } = options;
  if (scaled !== undefined && typeof scaled !== 'boolean')
    throw new InputError(`usf: --scaled must be true or false, got ${JSON.stringify(scaled) ?? String(scaled)}`);
  return scaled ?? false;
}

/**
 * PyTorch's fans of a weight of shape [out, in, ...receptive]: fanIn = in·∏receptive, fanOut = out·∏receptive
 * (dense [units, inputs]; conv [filters, channels, k, k]).
 */
export function fansOf(weightShape: readonly number[]): { fanIn: number; fanOut: number } {
  const [out, inputs, ...receptive] = weightShape as number[];
  const r = sizeOf(receptive);
  return { fanIn: inputs! * r, fanOut: out! * r };
}

/** BioTorch's s_l = √(2/(fanIn + fanOut)) per layer; 1 for a layer without weights (pool), which has none to scale. */
export function signFeedbackScales(spec: NetSpec): number[] {
  return resolveLayers(spec).map((layer) => {
    if (layer.type === 'pool') return 1;
    const { fanIn, fanOut } = fansOf(layer.weightShape);
    return Math.sqrt(2 / (fanIn + fanOut));
  });
}

/** |b| for one row: fanIn draws of |N(0, 1/fanIn)|, into `into`. */
function drawMagnitudes(random: Random, into: Float64Array, fanIn: number): void {
  const σ = 1 / Math.sqrt(fanIn);
  for (let k = 0; k < into.length; k++) into[k] = Math.abs(σ * random.normal());
}

/** frsf's fixed magnitudes |B⁽ˡ⁾| in W's layout, null for layer 1; layer l draws from derive(`frsf/l`). */
export function fixedSignMagnitudes(spec: NetSpec, seed: string = DEFAULT_FEEDBACK_SEED): (Float64Array | null)[] {
  const root = createRandom(seed);
  return resolveLayers(spec).map((layer, l) => {
    if (l === 0) return null;
    const { rows, fanIn } = rowsOf(layer);
    const B = new Float64Array(rows * fanIn);
    drawMagnitudes(root.derive(`frsf/${l}`), B, fanIn);
    return B;
  });
}

/** brsf's magnitudes: one stream per row (unit or filter) of each layer l ≥ 2, a new row per batch. */
class BatchwiseMagnitudes {
  /** The current |B⁽ˡ⁾| in W's layout; null for layer 1. */
  readonly current: (Float64Array | null)[];
  private readonly streams: (Random[] | null)[];
  private readonly fanIns: number[];

  constructor(spec: NetSpec, seed: string) {
    const root = createRandom(seed);
    const layers = resolveLayers(spec);
    this.fanIns = layers.map((layer) => rowsOf(layer).fanIn);
    const rowStreams = (layer: ResolvedLayer, l: number): Random[] =>
      Array.from({ length: rowsOf(layer).rows }, (_, j) => root.derive(`brsf/${l}/${j}`));
    this.streams = layers.map((layer, l) => (l === 0 ? null : rowStreams(layer, l)));
    this.current = layers.map((layer, l) => (l === 0 ? null : new Float64Array(sizeOf(layer.weightShape))));
    this.redraw();
  }

  /** Every row draws its next fanIn magnitudes. */
  redraw(): void {
    this.streams.forEach((streams, l) => {
      if (streams === null) return;
      const fanIn = this.fanIns[l]!;
      const current = this.current[l]!;
      streams.forEach((random, j) => {
        drawMagnitudes(random, current.subarray(j * fanIn, (j + 1) * fanIn), fanIn);
      });
    });
  }
}

/** The matrix form of all three: V⁽ˡ⁾ = M⁽ˡ⁾ ⊙ sign(W⁽ˡ⁾), with M⁽ˡ⁾ all ones (usf), all s_l (scaled usf) or |B⁽ˡ⁾|. */
export class SignFeedback implements MatrixRule {
  /** V⁽ˡ⁾ as used by the last pattern's backward pass; null for layer 1. */
  readonly V: (Float64Array | null)[];

  /**
   * `magnitudes` per layer in W's layout (null: all ones, usf); `redraw` is brsf's, at each batch boundary;
   * `scales` scaled usf's s_l per layer (null: 1).
   */
  constructor(
    readonly name: SignFeedbackName,
    net: Network,
    private readonly magnitudes: readonly (Float64Array | null)[],
    private readonly redraw: (() => void) | null = null,
    private readonly scales: readonly number[] | null = null,
  ) {
    this.V = net.params.layers.map((p, l) => (l === 0 ? null : new Float64Array(p.weights.length)));
  }

  /** V⁽ˡ⁾ from the current W⁽ˡ⁾ and the current magnitudes. */
  feedback(net: Network, l: number): Float64Array {
    const V = this.V[l]!;
    const w = net.params.layers[l]!.weights;
    const m = this.magnitudes[l] ?? null;
    const s = this.scales?.[l] ?? null;
    if (m === null && s === null) for (let k = 0; k < w.length; k++) V[k] = Math.sign(w[k]!);
    else if (m === null) for (let k = 0; k < w.length; k++) V[k] = s! * Math.sign(w[k]!);
    else for (let k = 0; k < w.length; k++) V[k] = m[k]! * Math.sign(w[k]!);
    return V;
  }

  accumulate(net: Network, x: Float64Array, t: ArrayLike<number>, sum: Params): number {
    return accumulateThrough(net, x, t, sum, (l) => this.feedback(net, l));
  }

  batchBoundary(): void {
    this.redraw?.();
  }
}

/** usf: push sign(w_ij)·Δz_j. */
export const uniformSignBehaviour: Behaviour = {
  switchToError(cell: Cell, Δy: number): number {
    const Δz = cell.activation.dg(cell.z, cell.y) * Δy;
    const { w, pushed } = cell;
    if (pushed !== null) for (let t = 0; t < w.length; t++) pushed[t] = Math.sign(w[t]!) * Δz;
    return Δz;
  },
};

/** scaled usf: push (s_l·sign(w_ij))·Δz_j, s_l its layer's constant (the product in the matrix form's order). */
function scaledSignBehaviour(scales: readonly number[]): Behaviour {
  return {
    switchToError(cell: Cell, Δy: number): number {
      const Δz = cell.activation.dg(cell.z, cell.y) * Δy;
      const { w, pushed } = cell;
      const s = scales[cell.layer]!;
      if (pushed !== null) for (let t = 0; t < w.length; t++) pushed[t] = s * Math.sign(w[t]!) * Δz;
      return Δz;
    },
  };
}

/** frsf: the neuron's fixed |b_ij| (handed out as FA's b_ij), times sign(w_ij). */
function fixedSignBehaviour(magnitudes: (Float64Array | null)[]): Behaviour {
  return {
    ...fixedBackWeightsBehaviour({ matrices: magnitudes, direct: false }),
    switchToError(cell: Cell, Δy: number): number {
      const Δz = cell.activation.dg(cell.z, cell.y) * Δy;
      const { w, backWeights: b, pushed } = cell;
      if (pushed !== null) for (let t = 0; t < w.length; t++) pushed[t] = b![t]! * Math.sign(w[t]!) * Δz;
      return Δz;
    },
  };
}

/** One brsf neuron's own magnitudes: its stream, and |b| for each of its synapses. */
interface OwnMagnitudes {
  random: Random;
  /** The row (dense: its synapses; conv: its filter's whole kernel) drawn for this batch. */
  row: Float64Array;
  fanIn: number;
  /** Conv: the kernel entry of each synapse; null: synapse t is entry t. */
  tap: Int32Array | null;
  b: Float64Array;
}

/** brsf: each neuron draws its own |b_ij| at the start and again at every batch boundary. */
function batchwiseSignBehaviour(spec: NetSpec, seed: string): Behaviour {
  const root = createRandom(seed);
  const layers = resolveLayers(spec);
  const own = new WeakMap<Cell, OwnMagnitudes>();
  const draw = (m: OwnMagnitudes): void => {
    drawMagnitudes(m.random, m.row, m.fanIn);
    if (m.tap === null) m.b.set(m.row);
    else for (let t = 0; t < m.b.length; t++) m.b[t] = m.row[m.tap[t]!]!;
  };
  /** The neuron's magnitudes, made (and first drawn) at its first event. */
  const magnitudesOf = (cell: Cell): OwnMagnitudes => {
    let m = own.get(cell);
    if (m === undefined) {
      const layer = layers[cell.layer]!;
      const { fanIn } = rowsOf(layer);
      const positions = layer.type === 'conv' ? sizeOf(layer.outShape.slice(1)) : 1;
      const row = Math.floor(cell.index / positions);
      const tap = layer.type === 'conv' ? cell.tap! : null;
      const random = root.derive(`brsf/${cell.layer}/${row}`);
      m = { random, row: new Float64Array(fanIn), fanIn, tap, b: new Float64Array(cell.w.length) };
      draw(m);
      own.set(cell, m);
    }
    return m;
  };
  return {
    switchToError(cell: Cell, Δy: number): number {
      const Δz = cell.activation.dg(cell.z, cell.y) * Δy;
      const { w, pushed } = cell;
      if (pushed !== null) {
        const { b } = magnitudesOf(cell);
        for (let t = 0; t < w.length; t++) pushed[t] = b[t]! * Math.sign(w[t]!) * Δz;
      }
      return Δz;
    },
    batchBoundary(cell: Cell): void {
      if (cell.layer > 0) draw(magnitudesOf(cell));
    },
  };
}

/** usf, unit magnitudes or (`scaled`) BioTorch's s_l per layer. */
export const uniformSignRule: Rule<UniformSignOptions> = {
  label: 'uniform sign symmetry (uSF)',
  colour: '#66a61e',
  options: ['scaled'],
  pools: true,
  matrix: (options, net) =>
    new SignFeedback(
      'usf',
      net,
      net.params.layers.map(() => null),
      null,
      scaledOption(options) ? signFeedbackScales(net.spec) : null,
    ),
  behaviour: (options, spec) =>
    scaledOption(options) ? scaledSignBehaviour(signFeedbackScales(spec)) : uniformSignBehaviour,
};

export const fixedRandomSignRule: Rule<FeedbackOptions> = {
  label: 'fixed random sign symmetry (frSF)',
  colour: '#e6ab02',
  options: ['feedbackSeed'],
  pools: true,
  matrix: (options, net) => new SignFeedback('frsf', net, fixedSignMagnitudes(net.spec, options.feedbackSeed)),
  behaviour: (options, spec) => fixedSignBehaviour(fixedSignMagnitudes(spec, options.feedbackSeed)),
};

export const batchwiseRandomSignRule: Rule<FeedbackOptions> = {
  label: 'batchwise random sign symmetry (brSF)',
  colour: '#a6761d',
  options: ['feedbackSeed'],
  pools: true,
  matrix: (options, net) => {
    const magnitudes = new BatchwiseMagnitudes(net.spec, options.feedbackSeed ?? DEFAULT_FEEDBACK_SEED);
    return new SignFeedback('brsf', net, magnitudes.current, () => magnitudes.redraw());
  },
  behaviour: (options, spec) => batchwiseSignBehaviour(spec, options.feedbackSeed ?? DEFAULT_FEEDBACK_SEED),
};
