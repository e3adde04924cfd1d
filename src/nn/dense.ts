/**
 * Dense layer.  W is [units][fanIn]: w[j·fanIn + i] = w_ij connects input i to unit j.
 *   forward   z_j = Σ_i w_ij x_i + b_j,   y_j = g(z_j)
 *   backward  ∂E/∂w_ij += x_i Δz_j,  ∂E/∂b_j += Δz_j,  Δx_i = Σ_j w_ij Δz_j
 *   step, B = 1  w_ij ← w_ij − η x_i Δz_j,  b_j ← b_j − η Δz_j   (backward into W with scale −η)
 * The loops are those of nn/textbook.ts; they run in nn/kernels.ts, which keeps every sum in
 * the textbook's order (z_j from b_j in increasing i, Δx_i from 0 in increasing j), so this
 * layer's numbers equal the textbook's and the agents engine's (test/nn/textbook.test.ts). When W
 * lives in a WebAssembly memory (nn/wasm/resident-params.ts: the matrix engine's, one thread), the
 * forward pass, the error and the B = 1 step run there, in the same order.
 */
import { makeActivation, type Activation } from './activation.ts';
import { addOuterProduct, gradientAndError, rowsTouched } from './kernels.ts';
import { activate, NO_INPUT, type Layer } from './layer.ts';
import type { LayerParams } from './params.ts';
import type { DenseSpec, ResolvedLayer } from './spec.ts';
import {
  residentAddScaledOuterProduct as addScaledOuterProduct,
  residentAffine as affine,
  residentTransposedProduct as transposedProduct,
} from './wasm/resident-params.ts';

export class Dense implements Layer {
  readonly activation: Activation;
  readonly inSize: number;
  readonly outSize: number;
  readonly z: Float64Array;
  readonly y: Float64Array;
  readonly oneTermPerWeight = true;
  /** Scratch: the rows of W a gradient touches. */
  private readonly rows: Int32Array;

  constructor(
    readonly spec: ResolvedLayer & DenseSpec,
    readonly w: Float64Array,
    readonly b: Float64Array,
    activation: Activation = makeActivation(spec.activation),
  ) {
    this.activation = activation;
    this.inSize = spec.weightShape[1]!;
    this.outSize = spec.units;
    this.z = new Float64Array(this.outSize);
    this.y = new Float64Array(this.outSize);
    this.rows = new Int32Array(this.outSize);
  }

  forward(x: Float64Array): void {
    affine(this.w, this.b, x, this.z, this.outSize, this.inSize);
    activate(this);
  }

  backward(
    x: Float64Array,
    Δz: Float64Array,
    into: LayerParams | null,
    Δx: Float64Array | null,
    via = this.w,
    scale = 1,
  ): void {
    const { outSize: m, inSize: n } = this;
    if (into !== null) for (let j = 0; j < m; j++) into.bias[j] += scale * Δz[j]!; // the virtual input x_0 = 1
    if (into !== null && Δx !== null && scale === 1) {
      gradientAndError(via, x, Δz, into.weights, Δx, m, n); // one pass over W for both
      return;
    }
    if (into !== null) {
      const c = rowsTouched(Δz, x, this.rows);
      if (scale === 1) addOuterProduct(into.weights, x, Δz, this.rows, c, n);
      else addScaledOuterProduct(into.weights, scale, x, Δz, this.rows, c, n);
    }
    if (Δx !== null) transposedProduct(via, Δz, Δx, m, n);
  }

  accumulateGradient(x: Float64Array, Δz: Float64Array, gw: Float64Array, gb: Float64Array): void {
    this.backward(x, Δz, { weights: gw, bias: gb }, null);
  }

  pushError(Δz: Float64Array, Δx: Float64Array, via: Float64Array = this.w): void {
    this.backward(NO_INPUT, Δz, null, Δx, via);
  }
}
