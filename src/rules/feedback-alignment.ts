/**
 * Feedback alignment (Lillicrap et al. 2016): back-prop with the backward path through fixed random
 * matrices B⁽ˡ⁾ of the same layout as W⁽ˡ⁾ (b_ij in place of w_ij), drawn once from a seed.
 *   output    Δz⁽ᴸ⁾ = g'(z⁽ᴸ⁾) ⊙ Δy⁽ᴸ⁾                 (exact, as in back-prop)
 *   backward  Δy⁽ˡ⁻¹⁾ = B⁽ˡ⁾ᵀ Δz⁽ˡ⁾                   (not W⁽ˡ⁾ᵀ)
 *             Δz⁽ˡ⁾ = g'(z⁽ˡ⁾) ⊙ Δy⁽ˡ⁾
 *   update    u_ij = x_i Δz_j,  bias Δz_j
 * Learning works because W comes to align with B (the forward weights "learn to use" the feedback):
 * see alignment.ts for the angles. Conv layers are supported: the error is pushed back through a
 * fixed random kernel of the same shape.
 *
 * As a neuron's behaviour (this one serves direct feedback alignment too): back-prop's switch, but
 * what goes back travels over fixed random back weights the neuron owns beside its w_ij (drawn by the
 * functions below, so B is the matrix form's B):
 *   Δz_j = g'(z_j) · Δy_j
 *   FA    push  b_ij · Δz_j  back along synapse i            (never w_ij)
 *   DFA   the output neuron k pushes b_ki · Δz_k to every hidden unit i of every hidden layer,
 *         through one broadcast tract per hidden layer (agents/direct-tract.ts); hidden neurons push nothing
 * The receiving side is back-prop's: Δy_i = Σ b Δz, summed in sender order as the matrix form's
 * Bᵀ product, then each synapse updates δw_ij = −η x_i Δz_j from its own trace.
 */
import type { Behaviour, Cell, FixedBackWeights } from '../agents/behaviour.ts';
import { createRandom, type Random } from '../core/random.ts';
import { sizeOf } from '../core/tensor.ts';
import { errorAtPotential } from '../nn/layer.ts';
import type { Network } from '../nn/network.ts';
import type { Params } from '../nn/params.ts';
import { resolveLayers, type NetSpec } from '../nn/spec.ts';
import type { MatrixRule, Rule } from './rule.ts';

/** The options of feedback alignment and direct feedback alignment. */
export interface FeedbackOptions {
  /** Seed for the fixed random feedback matrices; the same seed draws the same B in both engines. */
  feedbackSeed?: string;
}

/** Used when no --feedback-seed is given, so a run is reproducible either way. */
export const DEFAULT_FEEDBACK_SEED = 'feedback';

/** n normal draws with σ = 1/√fanIn (the LeCun scale of the forward weights, so messages keep their size). */
export function randomMatrix(random: Random, n: number, fanIn: number): Float64Array {
  const σ = 1 / Math.sqrt(fanIn);
  const B = new Float64Array(n);
  for (let k = 0; k < n; k++) B[k] = σ * random.normal();
  return B;
}

/**
 * The fixed feedback matrices, one per layer in W's layout; null for layer 1, whose error is never
 * pushed back. Layer l draws from createRandom(seed).derive(`feedback-alignment/l`), l 0-based.
 */
export function feedbackAlignmentMatrices(
  spec: NetSpec,
  seed: string = DEFAULT_FEEDBACK_SEED,
): (Float64Array | null)[] {
  const root = createRandom(seed);
  return resolveLayers(spec).map((layer, l) => {
    if (l === 0) return null;
    const [, inp, ...kernel] = layer.weightShape as number[];
    return randomMatrix(root.derive(`feedback-alignment/${l}`), sizeOf(layer.weightShape), inp! * sizeOf(kernel));
  });
}

/**
 * One pattern's update direction when the error goes back through feedback weights V⁽ˡ⁾ in place of W⁽ˡ⁾:
 *   Δz⁽ˡ⁾ = g'(z⁽ˡ⁾) ⊙ Δy⁽ˡ⁾,   u⁽ˡ⁾ += Δz⁽ˡ⁾ x⁽ˡ⁻¹⁾ᵀ,   Δy⁽ˡ⁻¹⁾ = V⁽ˡ⁾ᵀ Δz⁽ˡ⁾
 * (feedback alignment: V fixed and random; the sign-symmetry family: V from sign(W)). Returns E.
 */
export function accumulateThrough(
  net: Network,
  x: Float64Array,
  t: ArrayLike<number>,
  sum: Params,
  feedbackOf: (l: number) => Float64Array,
): number {
  const E = net.evaluate(x, t);
  for (let l = net.layers.length - 1; l >= 0; l--) {
    const layer = net.layers[l]!;
    errorAtPotential(layer, net.Δy[l]!, net.Δz[l]!);
    const g = sum.layers[l]!;
    layer.accumulateGradient(net.layerInput(l), net.Δz[l]!, g.weights, g.bias);
    if (l > 0) layer.pushError(net.Δz[l]!, net.Δy[l - 1]!, feedbackOf(l));
  }
  return E;
}

export class FeedbackAlignment implements MatrixRule {
  readonly name = 'feedback-alignment' as const;

  /** `B` as from feedbackAlignmentMatrices (a test may pass W itself to recover back-prop). */
  constructor(readonly B: (Float64Array | null)[]) {}

  accumulate(net: Network, x: Float64Array, t: ArrayLike<number>, sum: Params): number {
    return accumulateThrough(net, x, t, sum, (l) => this.B[l]!);
  }

  /**
   * accumulate() without the products: the direction is x⁽ˡ⁾ Δz⁽ˡ⁾ᵀ as back-prop's, so the matrix
   * engine applies it straight into W (one pass over W, as for back-prop: the same numbers).
   */
  errors(net: Network, x: Float64Array, t: ArrayLike<number>): number {
    const E = net.evaluate(x, t);
    for (let l = net.layers.length - 1; l >= 0; l--) {
      const layer = net.layers[l]!;
      errorAtPotential(layer, net.Δy[l]!, net.Δz[l]!);
      if (l > 0) layer.pushError(net.Δz[l]!, net.Δy[l - 1]!, this.B[l]!);
    }
    return E;
  }
}

/** Back-prop's switch with the error pushed through the neuron's fixed back weights b instead of w (FA and DFA). */
export function fixedBackWeightsBehaviour(fixedBackWeights: FixedBackWeights): Behaviour {
  return {
    fixedBackWeights,
    switchToError(cell: Cell, Δy: number): number {
      const Δz = cell.activation.dg(cell.z, cell.y) * Δy;
      const { backWeights: b, pushed } = cell;
      if (pushed !== null) for (let t = 0; t < pushed.length; t++) pushed[t] = b![t]! * Δz;
      return Δz;
    },
  };
}

export const feedbackAlignmentRule: Rule<FeedbackOptions> = {
  label: 'feedback alignment',
  colour: '#1b9e77',
  options: ['feedbackSeed'],
  pools: true,
  matrix: (options, net) => new FeedbackAlignment(feedbackAlignmentMatrices(net.spec, options.feedbackSeed)),
  behaviour: (options, spec) =>
    fixedBackWeightsBehaviour({ matrices: feedbackAlignmentMatrices(spec, options.feedbackSeed), direct: false }),
};
