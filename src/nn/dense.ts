/**
 * Dense layer.  W is [units][fanIn]: w[j·fanIn + i] = w_ij connects input i to unit j.
 *   forward   z_j = Σ_i w_ij x_i + b_j,   y_j = g(z_j)
 *   backward  ∂E/∂w_ij += x_i Δz_j,  ∂E/∂b_j += Δz_j,  Δx_i = Σ_j w_ij Δz_j
 *   step, B = 1  w_ij ← w_ij − η x_i Δz_j,  b_j ← b_j − η Δz_j   (rankOneStep: no gradient buffer)
 * Loops run j outer, i inner, so every pass walks W row by row, in memory order.
 * Every sum is formed in one fixed order: z_j starts at b_j and adds w_ij x_i in increasing i;
 * Δx_i starts at 0 and adds w_ij Δz_j in increasing j. The kernels below work on four rows at
 * once for speed but keep that order, so their results equal those of the plain loops (at most a
 * zero's sign differs, where a row with Δz_j = 0 is skipped instead of adding x_i · 0). The agents
 * engine forms the same sums in the same order and is held to 1e-12 against this engine.
 */
import { allFinite } from '../core/tensor.ts';
import { makeActivation, type Activation } from './activation.ts';
import { activate, type Layer } from './layer.ts';
import type { DenseSpec, ResolvedLayer } from './spec.ts';

export class Dense implements Layer {
  readonly activation: Activation;
  readonly inSize: number;
  readonly outSize: number;
  readonly z: Float64Array;
  readonly y: Float64Array;
  /** Scratch: the rows of W a backward pass touches. */
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

  accumulateGradient(x: Float64Array, Δz: Float64Array, gw: Float64Array, gb: Float64Array): void {
    for (let j = 0; j < this.outSize; j++) gb[j] += Δz[j]!; // the virtual input x_0 = 1
    const c = rowsTouched(Δz, x, this.rows);
    addScaledOuterProduct(gw, 1, x, Δz, this.rows, c, this.inSize);
  }

  /**
   * The essay's stochastic update, straight into the weights, with no gradient buffer:
   *   w_ij ← w_ij − s · (x_i Δz_j),   b_j ← b_j − s · Δz_j     (s = η for B = 1)
   * The same numbers as accumulateGradient into a zeroed buffer followed by w ← w − s · buffer.
   */
  rankOneStep(x: Float64Array, Δz: Float64Array, s: number): void {
    for (let j = 0; j < this.outSize; j++) this.b[j] -= s * Δz[j]!;
    const c = rowsTouched(Δz, x, this.rows);
    addScaledOuterProduct(this.w, -s, x, Δz, this.rows, c, this.inSize);
  }

  pushError(Δz: Float64Array, Δx: Float64Array, via: Float64Array = this.w): void {
    transposedProduct(via, Δz, Δx, this.outSize, this.inSize);
  }

  /**
   * accumulateGradient and pushError (through W itself) in one pass over the rows of W:
   * row j adds x_i Δz_j to ∂E/∂w_ij and w_ij Δz_j to Δx_i. Same sums, same order as the two calls.
   */
  backward(x: Float64Array, Δz: Float64Array, gw: Float64Array, gb: Float64Array, Δx: Float64Array): void {
    const { w, inSize: n, outSize: m } = this;
    Δx.fill(0);
    for (let j = 0; j < m; j++) {
      const Δzj = Δz[j]!;
      gb[j] += Δzj;
      const row = j * n;
      for (let i = 0; i < n; i++) {
        gw[row + i] += x[i]! * Δzj;
        Δx[i] += w[row + i]! * Δzj;
      }
    }
  }
}

/**
 * z = W x + b for W of m rows and n columns, four rows at a time.
 * Each z_j is still b_j + w_j0 x_0 + w_j1 x_1 + … added in increasing i, exactly as one row at a
 * time; but four independent sums are in flight, which hides the latency of each floating-point
 * add, and each x_i is loaded once for four rows.
 */
export function affine(w: Float64Array, b: Float64Array, x: Float64Array, z: Float64Array, m: number, n: number): void {
  let j = 0;
  for (; j + 4 <= m; j += 4) {
    const r0 = j * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    let z0 = b[j]!, z1 = b[j + 1]!, z2 = b[j + 2]!, z3 = b[j + 3]!;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      z0 += w[r0 + i]! * xi;
      z1 += w[r1 + i]! * xi;
      z2 += w[r2 + i]! * xi;
      z3 += w[r3 + i]! * xi;
    }
    z[j] = z0; z[j + 1] = z1; z[j + 2] = z2; z[j + 3] = z3;
  }
  for (; j < m; j++) {
    const row = j * n;
    let zj = b[j]!;
    for (let i = 0; i < n; i++) zj += w[row + i]! * x[i]!;
    z[j] = zj;
  }
}

/**
 * Δx = Wᵀ Δz for W of m rows and n columns, four rows at a time.
 * Δx_i starts at 0 and adds w_ij Δz_j in increasing j, exactly as one row at a time; taking four
 * rows per sweep over Δx reads and writes each Δx_i a quarter as often.
 */
export function transposedProduct(w: Float64Array, Δz: Float64Array, Δx: Float64Array, m: number, n: number): void {
  Δx.fill(0);
  let j = 0;
  for (; j + 4 <= m; j += 4) {
    const r0 = j * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    const Δz0 = Δz[j]!, Δz1 = Δz[j + 1]!, Δz2 = Δz[j + 2]!, Δz3 = Δz[j + 3]!;
    for (let i = 0; i < n; i++) {
      let Δxi = Δx[i]!;
      Δxi += w[r0 + i]! * Δz0;
      Δxi += w[r1 + i]! * Δz1;
      Δxi += w[r2 + i]! * Δz2;
      Δxi += w[r3 + i]! * Δz3;
      Δx[i] = Δxi;
    }
  }
  for (; j < m; j++) {
    const row = j * n;
    const Δzj = Δz[j]!;
    for (let i = 0; i < n; i++) Δx[i] += w[row + i]! * Δzj;
  }
}

/**
 * The rows of an outer-product update x Δzᵀ worth visiting, into `rows`; returns how many.
 * A unit with Δz_j = 0 (a relu that is off) adds x_i · 0 = 0 to its whole row, so the row is
 * skipped — unless some x_i is infinite or NaN, where x_i · 0 is NaN and must reach the weights.
 */
export function rowsTouched(Δz: Float64Array, x: Float64Array, rows: Int32Array): number {
  const skipZeroRows = allFinite(x);
  let c = 0;
  for (let j = 0; j < Δz.length; j++) if (Δz[j] !== 0 || !skipZeroRows) rows[c++] = j;
  return c;
}

/**
 * a_ij += s · (x_i Δz_j) on the listed rows (n columns each), four rows at a time so that each
 * x_i is loaded once for four rows. Every entry gets one add, as in the plain loop. With s = 1 it
 * accumulates a gradient (1 · v = v exactly); with s = −η it is the essay's update into W
 * (w + (−η)·v = w − η·v exactly).
 */
export function addScaledOuterProduct(a: Float64Array, s: number, x: Float64Array, Δz: Float64Array, rows: Int32Array, c: number, n: number): void {
  let k = 0;
  for (; k + 4 <= c; k += 4) {
    const j0 = rows[k]!, j1 = rows[k + 1]!, j2 = rows[k + 2]!, j3 = rows[k + 3]!;
    const r0 = j0 * n, r1 = j1 * n, r2 = j2 * n, r3 = j3 * n;
    const Δz0 = Δz[j0]!, Δz1 = Δz[j1]!, Δz2 = Δz[j2]!, Δz3 = Δz[j3]!;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      a[r0 + i] += s * (xi * Δz0);
      a[r1 + i] += s * (xi * Δz1);
      a[r2 + i] += s * (xi * Δz2);
      a[r3 + i] += s * (xi * Δz3);
    }
  }
  for (; k < c; k++) {
    const j = rows[k]!, row = j * n, Δzj = Δz[j]!;
    for (let i = 0; i < n; i++) a[row + i] += s * (x[i]! * Δzj);
  }
}
