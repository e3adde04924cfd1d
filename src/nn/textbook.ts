/**
 * Back-propagation as a textbook writes it: the file to read first. A dense net of layers
 * l = 1..L; layer l has n_l units and weights w⁽ˡ⁾_ij from input i to unit j; y⁽⁰⁾ is the input.
 *
 *   forward   z⁽ˡ⁾_j = b⁽ˡ⁾_j + Σ_i w⁽ˡ⁾_ij y⁽ˡ⁻¹⁾_i
 *             y⁽ˡ⁾_j = g(z⁽ˡ⁾_j)
 *   output    E = loss(y⁽ᴸ⁾, t),   Δy⁽ᴸ⁾ = ∂E/∂y⁽ᴸ⁾        (y − t for mse, p − t for softmax-CE)
 *   backward  Δz⁽ˡ⁾_j = g'(z⁽ˡ⁾_j) Δy⁽ˡ⁾_j
 *             ∂E/∂w⁽ˡ⁾_ij += y⁽ˡ⁻¹⁾_i Δz⁽ˡ⁾_j,   ∂E/∂b⁽ˡ⁾_j += Δz⁽ˡ⁾_j   (summed over the batch)
 *             Δy⁽ˡ⁻¹⁾_i = Σ_j w⁽ˡ⁾_ij Δz⁽ˡ⁾_j
 *   step      w ← w − (η/B) ∂E/∂w,   then ∂E/∂w ← 0           (B = 1: δw_ij = −η y_i Δz_j)
 *
 * One equation per line, in plain loops: nothing unrolled, nothing fused, nothing skipped. The
 * engines compute these numbers faster (nn/network.ts and nn/dense.ts over nn/kernels.ts, the
 * matrix engine's outer-product road, the agents engine's neurons), adding every sum in the
 * order written here; test/nn/textbook.test.ts holds them equal to this class, number for number.
 * Dense layers only; nn/conv.ts writes the convolution the same way.
 */
import type { Activation } from './activation.ts';
import { makeActivation } from './activation.ts';
import { makeLoss, type Loss } from './loss.ts';
import { cloneParams, zerosLike, type Params } from './params.ts';
import { resolveLayers, type NetSpec } from './spec.ts';

export class Textbook {
  /** w⁽ˡ⁾ and b⁽ˡ⁾ are params.layers[l − 1] (a copy: the textbook owns its weights). */
  readonly params: Params;
  /** ∂E/∂w summed over the patterns learned since the last step, in the params layout. */
  readonly gradient: Params;
  /** The prediction for the last pattern (y⁽ᴸ⁾, or the softmax p). */
  readonly prediction: Float64Array;
  /** Per layer l = 0..L: z⁽ˡ⁾, y⁽ˡ⁾, Δz⁽ˡ⁾, Δy⁽ˡ⁾ of the last pattern (z⁽⁰⁾, Δz⁽⁰⁾, Δy⁽⁰⁾ unused). */
  readonly z: Float64Array[];
  readonly y: Float64Array[];
  readonly Δz: Float64Array[];
  readonly Δy: Float64Array[];
  /** n[l]: the units of layer l; n[0] is the input size. */
  private readonly n: number[];
  private readonly g: Activation[];
  private readonly loss: Loss;
  private readonly L: number;
  private B = 0;

  constructor(spec: NetSpec, params: Params) {
    const layers = resolveLayers(spec);
    const conv = layers.findIndex((layer) => layer.type !== 'dense');
    if (conv >= 0) throw new Error(`the textbook network is dense only; layer ${conv} is ${layers[conv]!.type}`);
    this.L = layers.length;
    this.n = [layers[0]!.weightShape[1]!, ...layers.map((layer) => layer.weightShape[0]!)];
    this.g = [makeActivation({ name: 'identity' }), ...layers.map((layer) => makeActivation(layer.activation))];
    this.loss = makeLoss(spec.loss);
    this.params = cloneParams(params);
    this.gradient = zerosLike(params);
    const vectors = (): Float64Array[] => this.n.map((units) => new Float64Array(units));
    [this.z, this.y, this.Δz, this.Δy] = [vectors(), vectors(), vectors(), vectors()];
    this.prediction = new Float64Array(this.n[this.L]!);
  }

  /** Where w⁽ˡ⁾_ij lives in params.layers[l − 1].weights: row j, column i. */
  private weightIndex(l: number, j: number, i: number): number {
    return j * this.n[l - 1]! + i;
  }

  /** The forward pass; returns y⁽ᴸ⁾. */
  forward(x: Float64Array): Float64Array {
    const { n, g, z, y } = this;
    y[0]!.set(x);
    for (let l = 1; l <= this.L; l++) {
      const { weights: w, bias: b } = this.params.layers[l - 1]!;
      for (let j = 0; j < n[l]!; j++) {
        z[l]![j] = b[j]!;
        for (let i = 0; i < n[l - 1]!; i++) z[l]![j] += w[this.weightIndex(l, j, i)]! * y[l - 1]![i]!;
        y[l]![j] = g[l]!.g(z[l]![j]!);
      }
    }
    return y[this.L]!;
  }

  /** Forward, loss, backward: adds this pattern's ∂E/∂w to `gradient` and returns E. */
  learn(x: Float64Array, t: ArrayLike<number>): number {
    const { n, g, z, y, Δz, Δy, L } = this;
    this.forward(x);
    const E = this.loss.evaluate(y[L]!, t, this.prediction, Δy[L]!);
    for (let l = L; l >= 1; l--) {
      const w = this.params.layers[l - 1]!.weights;
      const { weights: gw, bias: gb } = this.gradient.layers[l - 1]!;
      for (let j = 0; j < n[l]!; j++) Δz[l]![j] = g[l]!.dg(z[l]![j]!, y[l]![j]!) * Δy[l]![j]!;
      for (let j = 0; j < n[l]!; j++) {
        gb[j] += Δz[l]![j]!;
        for (let i = 0; i < n[l - 1]!; i++) gw[this.weightIndex(l, j, i)] += y[l - 1]![i]! * Δz[l]![j]!;
      }
      if (l === 1) break; // the input needs no error
      Δy[l - 1]!.fill(0);
      for (let j = 0; j < n[l]!; j++)
        for (let i = 0; i < n[l - 1]!; i++) Δy[l - 1]![i] += w[this.weightIndex(l, j, i)]! * Δz[l]![j]!;
    }
    this.B++;
    return E;
  }

  /** w ← w − (η/B) ∂E/∂w over the B patterns learned since the last step, then ∂E/∂w ← 0. */
  step(η: number): void {
    if (this.B === 0) return;
    for (let l = 1; l <= this.L; l++) {
      const { weights: w, bias: b } = this.params.layers[l - 1]!;
      const { weights: gw, bias: gb } = this.gradient.layers[l - 1]!;
      for (let k = 0; k < w.length; k++) w[k] -= (η / this.B) * gw[k]!;
      for (let j = 0; j < b.length; j++) b[j] -= (η / this.B) * gb[j]!;
      gw.fill(0);
      gb.fill(0);
    }
    this.B = 0;
  }
}
