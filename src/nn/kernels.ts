/**
 * The arithmetic kernels both engines call, and the only place with speed tricks. Each computes
 * what a line of nn/textbook.ts computes, with the same floating-point operations in the same
 * order, so its results equal the plain loop's (test/nn/kernels.test.ts compares them number for
 * number; at most a zero's sign differs where a row with Δz_j = 0 is skipped).
 *
 * Matrix form, W of m rows and n columns, w_ij = w[j·n + i] (the matrix engine's layers):
 *   affine                 z_j = b_j + Σ_i w_ij x_i                  (sum in increasing i)
 *   transposedProduct      Δx_i = Σ_j w_ij Δz_j                      (sum in increasing j, from 0)
 *   addScaledOuterProduct  a_ij ← a_ij + s · (x_i Δz_j)              (s = −η: a step into W)
 *   addOuterProduct        a_ij ← a_ij + x_i Δz_j                    (a gradient)
 *   gradientAndError       both of the last two, s = 1, in one pass over W
 * Row form, one unit's synapses (the agents engine's neurons):
 *   potential              z = b + Σ_i w_i x_i
 *   sparsePotential        z = b + Σ_t w_t x[pre_t]                  (a conv position's receptive field)
 *   potentialAfterRankOne  w_i ← w_i − s·(d_i Δz), then z with the new w
 *   potentialAfterSum      w_i ← w_i − s·g_i, g_i ← 0, then z with the new w
 *   addScaled              g_i ← g_i + x_i Δz
 *
 * The tricks: the matrix kernels take four rows per turn (four independent sums in flight hide
 * the latency of each add; each x_i is loaded once for four rows); the row kernels take four
 * synapses per turn but still add the terms one by one in increasing i. The row unrolling pays
 * for itself once V8 checks every typed-array access for a detached buffer, which it does for
 * the rest of a process after any ArrayBuffer has been detached (loading CommonJS packages under
 * tsx does it): a one-term loop then runs at about half speed.
 */
import { allFinite } from '../core/tensor.ts';

/** z = W x + b, four rows at a time. */
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

/** Δx = Wᵀ Δz, four rows per sweep over Δx (each Δx_i is read and written a quarter as often). */
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
 * a_ij += s · (x_i Δz_j) on the listed rows (n columns each), four rows at a time. Every entry
 * gets one add, as in the plain loop. s = 1 accumulates a gradient (1 · v = v exactly); s = −η
 * is the essay's update into W (w + (−η)·v = w − η·v exactly).
 */
export function addScaledOuterProduct(
  a: Float64Array, s: number, x: Float64Array, Δz: Float64Array, rows: Int32Array, c: number, n: number,
): void {
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

/**
 * a_ij += x_i Δz_j: addScaledOuterProduct with s = 1 (1 · v = v exactly). The 1 is a literal
 * so that V8, inlining the call, drops the multiply: a gradient pass then runs a few per cent faster.
 */
export function addOuterProduct(a: Float64Array, x: Float64Array, Δz: Float64Array, rows: Int32Array, c: number, n: number): void {
  addScaledOuterProduct(a, 1, x, Δz, rows, c, n);
}

/**
 * gw_ij += x_i Δz_j and Δx = Wᵀ Δz in one pass over the rows of W: row j adds x_i Δz_j to gw_ij
 * and w_ij Δz_j to Δx_i. The same sums in the same order as addScaledOuterProduct (s = 1, every
 * row) followed by transposedProduct.
 */
export function gradientAndError(
  w: Float64Array, x: Float64Array, Δz: Float64Array, gw: Float64Array, Δx: Float64Array, m: number, n: number,
): void {
  Δx.fill(0);
  for (let j = 0; j < m; j++) {
    const Δzj = Δz[j]!;
    const row = j * n;
    for (let i = 0; i < n; i++) {
      gw[row + i] += x[i]! * Δzj;
      Δx[i] += w[row + i]! * Δzj;
    }
  }
}

/** b + Σ_i w_i x_i. */
export function potential(b: number, w: Float64Array, x: Float64Array): number {
  let z = b;
  const n = w.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    z += w[i]! * x[i]!;
    z += w[i + 1]! * x[i + 1]!;
    z += w[i + 2]! * x[i + 2]!;
    z += w[i + 3]! * x[i + 3]!;
  }
  for (; i < n; i++) z += w[i]! * x[i]!;
  return z;
}

/** b + Σ_t w_t x[pre_t] (a conv position's receptive field). */
export function sparsePotential(b: number, w: Float64Array, x: Float64Array, pre: Int32Array): number {
  let z = b;
  for (let t = 0; t < w.length; t++) z += w[t]! * x[pre[t]!]!;
  return z;
}

/** w_i ← w_i − s·(d_i Δz), then b + Σ_i w_i x_i with the new weights (one pass over w for both). */
export function potentialAfterRankOne(
  b: number, w: Float64Array, x: Float64Array, s: number, d: Float64Array, Δz: number,
): number {
  let z = b;
  const n = w.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const w0 = w[i]! - s * (d[i]! * Δz);
    const w1 = w[i + 1]! - s * (d[i + 1]! * Δz);
    const w2 = w[i + 2]! - s * (d[i + 2]! * Δz);
    const w3 = w[i + 3]! - s * (d[i + 3]! * Δz);
    w[i] = w0;
    w[i + 1] = w1;
    w[i + 2] = w2;
    w[i + 3] = w3;
    z += w0 * x[i]!;
    z += w1 * x[i + 1]!;
    z += w2 * x[i + 2]!;
    z += w3 * x[i + 3]!;
  }
  for (; i < n; i++) {
    const wi = w[i]! - s * (d[i]! * Δz);
    w[i] = wi;
    z += wi * x[i]!;
  }
  return z;
}

/** w_i ← w_i − s·g_i, g_i ← 0, then b + Σ_i w_i x_i with the new weights (one pass over w for all three). */
export function potentialAfterSum(b: number, w: Float64Array, x: Float64Array, s: number, g: Float64Array): number {
  let z = b;
  const n = w.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const w0 = w[i]! - s * g[i]!;
    const w1 = w[i + 1]! - s * g[i + 1]!;
    const w2 = w[i + 2]! - s * g[i + 2]!;
    const w3 = w[i + 3]! - s * g[i + 3]!;
    w[i] = w0;
    w[i + 1] = w1;
    w[i + 2] = w2;
    w[i + 3] = w3;
    g[i] = 0;
    g[i + 1] = 0;
    g[i + 2] = 0;
    g[i + 3] = 0;
    z += w0 * x[i]!;
    z += w1 * x[i + 1]!;
    z += w2 * x[i + 2]!;
    z += w3 * x[i + 3]!;
  }
  for (; i < n; i++) {
    const wi = w[i]! - s * g[i]!;
    w[i] = wi;
    g[i] = 0;
    z += wi * x[i]!;
  }
  return z;
}

/** g_i += x_i Δz (folding one pattern's eligibility into the running sum). */
export function addScaled(g: Float64Array, x: Float64Array, Δz: number): void {
  const n = g.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    g[i] += x[i]! * Δz;
    g[i + 1] += x[i + 1]! * Δz;
    g[i + 2] += x[i + 2]! * Δz;
    g[i + 3] += x[i + 3]! * Δz;
  }
  for (; i < n; i++) g[i] += x[i]! * Δz;
}
