/**
 * Dense layer.  W is [units][fanIn]: w[j·fanIn + i] = w_ij connects input i to unit j.
 *   forward   z_j = Σ_i w_ij x_i + b_j,   y_j = g(z_j)
 *   backward  ∂E/∂w_ij += x_i Δz_j,  ∂E/∂b_j += Δz_j,  Δx_i = Σ_j w_ij Δz_j
 * Loops run j outer, i inner, so every pass walks W row by row, in memory order.
 */
import { makeActivation, type Activation } from './activation.ts';
import { activate, type Layer } from './layer.ts';
import type { DenseSpec, ResolvedLayer } from './spec.ts';

export class Dense implements Layer {
  readonly activation: Activation;
  readonly inSize: number;
  readonly outSize: number;
  readonly z: Float64Array;
  readonly y: Float64Array;

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
  }

  forward(x: Float64Array): void {
    const { w, b, z, inSize: n, outSize: m } = this;
    for (let j = 0; j < m; j++) {
      let zj = b[j]!;
      const row = j * n;
      for (let i = 0; i < n; i++) zj += w[row + i]! * x[i]!;
      z[j] = zj;
    }
    activate(this);
  }

  accumulateGradient(x: Float64Array, Δz: Float64Array, gw: Float64Array, gb: Float64Array): void {
    const { inSize: n, outSize: m } = this;
    for (let j = 0; j < m; j++) {
      const Δzj = Δz[j]!;
      gb[j] += Δzj; // the virtual input x_0 = 1
      const row = j * n;
      for (let i = 0; i < n; i++) gw[row + i] += x[i]! * Δzj;
    }
  }

  pushError(Δz: Float64Array, Δx: Float64Array, via: Float64Array = this.w): void {
    const { inSize: n, outSize: m } = this;
    Δx.fill(0);
    for (let j = 0; j < m; j++) {
      const Δzj = Δz[j]!;
      const row = j * n;
      for (let i = 0; i < n; i++) Δx[i] += via[row + i]! * Δzj;
    }
  }
}
