/**
 * Direct feedback alignment (Nøkland 2016): the output error goes straight to every hidden layer
 * through a fixed random matrix, skipping the layers in between.
 *   output    e = Δz⁽ᴸ⁾ = g'(z⁽ᴸ⁾) ⊙ Δy⁽ᴸ⁾           (exact, as in back-prop)
 *   hidden    Δy_i⁽ˡ⁾ = Σ_k b_ki⁽ˡ⁾ e_k                (every hidden l < L)
 *             Δz⁽ˡ⁾ = g'(z⁽ˡ⁾) ⊙ Δy⁽ˡ⁾
 *   update    u_ij = x_i Δz_j,  bias Δz_j
 * B⁽ˡ⁾ is stored [n_L][n_l] in the dense-weight layout: as if it were a forward weight from hidden unit i
 * to output k, so that Δy⁽ˡ⁾ = B⁽ˡ⁾ᵀ e is one push through it. For the last hidden layer this is exactly
 * W⁽ᴸ⁾'s layout, and B⁽ᴸ⁻¹⁾ = W⁽ᴸ⁾ gives back-prop there. A conv hidden layer takes its flattened output
 * as n_l units, each with its own feedback weights (no sharing on the way back).
 * In the agents engine: feedback alignment's behaviour (feedback-alignment.ts), the output neuron k
 * owning row k of every hidden layer's B and broadcasting b_ki·Δz_k; hidden neurons push nothing.
 */
import { createRandom } from '../core/random.ts';
import { sizeOf } from '../core/tensor.ts';
import { errorAtPotential } from '../nn/layer.ts';
import type { Network } from '../nn/network.ts';
import type { Params } from '../nn/params.ts';
import { resolveLayers, type NetSpec } from '../nn/spec.ts';
import {
  DEFAULT_FEEDBACK_SEED,
  fixedBackWeightsBehaviour,
  randomMatrix,
  type FeedbackOptions,
} from './feedback-alignment.ts';
import type { MatrixRule, Rule } from './rule.ts';

/**
 * One matrix per hidden layer l, [n_L][n_l], σ = 1/√n_l; null for the output layer. Drawn from
 * derive(`direct-feedback-alignment/l`).
 */
export function directFeedbackMatrices(spec: NetSpec, seed: string = DEFAULT_FEEDBACK_SEED): (Float64Array | null)[] {
  const root = createRandom(seed);
  const layers = resolveLayers(spec);
  const nL = sizeOf(layers[layers.length - 1]!.outShape);
  return layers.map((layer, l) => {
    if (l === layers.length - 1) return null;
    const n = sizeOf(layer.outShape);
    return randomMatrix(root.derive(`direct-feedback-alignment/${l}`), nL * n, n);
  });
}

export class DirectFeedbackAlignment implements MatrixRule {
  readonly name = 'direct-feedback-alignment' as const;

  /** `B` as from directFeedbackMatrices. */
  constructor(readonly B: (Float64Array | null)[]) {}

  accumulate(net: Network, x: Float64Array, t: ArrayLike<number>, sum: Params): number {
    const E = net.evaluate(x, t);
    const L = net.layers.length;
    const e = net.Δz[L - 1]!;
    for (let l = L - 1; l >= 0; l--) {
      const layer = net.layers[l]!;
      if (l < L - 1) project(this.B[l]!, e, net.Δy[l]!);
      errorAtPotential(layer, net.Δy[l]!, net.Δz[l]!);
      const g = sum.layers[l]!;
      layer.accumulateGradient(net.layerInput(l), net.Δz[l]!, g.weights, g.bias);
    }
    return E;
  }
}

/** Δy_i = Σ_k b_ki e_k, with B [e.length][Δy.length], walked row by row. */
function project(B: Float64Array, e: Float64Array, Δy: Float64Array): void {
  const n = Δy.length;
  Δy.fill(0);
  for (let k = 0; k < e.length; k++) {
    const ek = e[k]!;
    const row = k * n;
    for (let i = 0; i < n; i++) Δy[i] += B[row + i]! * ek;
  }
}

export const directFeedbackAlignmentRule: Rule<FeedbackOptions> = {
  label: 'direct feedback alignment',
  colour: '#d95f02',
  options: ['feedbackSeed'],
  pools: true,
  matrix: (options, net) => new DirectFeedbackAlignment(directFeedbackMatrices(net.spec, options.feedbackSeed)),
  behaviour: (options, spec) =>
    fixedBackWeightsBehaviour({ matrices: directFeedbackMatrices(spec, options.feedbackSeed), direct: true }),
};
