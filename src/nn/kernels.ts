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
 * Minibatch form, B patterns as rows of X [B × n], Z and D [B × m] (the matrix engine for B > 1):
 *   batchAffine            z_pj = b_j + Σ_i w_ij x_pi                 (sum in increasing i, as affine)
 *   batchTransposedProduct Δx_pi = Σ_j w_ij Δz_pj                     (sum in increasing j from 0)
 *   batchGradientStep      w_ij ← w_ij − s · Σ_p x_pi Δz_pj           (sum in increasing p from 0)
 *   addBatchGradient       g_ij ← g_ij + Σ_p x_pi Δz_pj               (sum in increasing p from g_ij)
 *   batchBiasStep, addBatchBias   the same for the biases, Σ_p Δz_pj
 * The one summation order: every dot product in increasing index, every sum over patterns in
 * increasing pattern order, whatever the tiling, so a batch gives the bits of pattern-by-pattern
 * accumulation (and of the agents engine, whose pending sums add the patterns in the same order).
 * These minibatch kernels are the reference for that order; the matrix engine runs their
 * WebAssembly SIMD twins (nn/wasm/wasm-kernels.ts), which give the same bits.
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
    const r0 = j * n,
      r1 = r0 + n,
      r2 = r1 + n,
      r3 = r2 + n;
    let z0 = b[j]!,
      z1 = b[j + 1]!,
      z2 = b[j + 2]!,
      z3 = b[j + 3]!;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      z0 += w[r0 + i]! * xi;
      z1 += w[r1 + i]! * xi;
      z2 += w[r2 + i]! * xi;
      z3 += w[r3 + i]! * xi;
    }
    z[j] = z0;
    z[j + 1] = z1;
    z[j + 2] = z2;
    z[j + 3] = z3;
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
    const r0 = j * n,
      r1 = r0 + n,
      r2 = r1 + n,
      r3 = r2 + n;
    const Δz0 = Δz[j]!,
      Δz1 = Δz[j + 1]!,
      Δz2 = Δz[j + 2]!,
      Δz3 = Δz[j + 3]!;
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
  a: Float64Array,
  s: number,
  x: Float64Array,
  Δz: Float64Array,
  rows: Int32Array,
  c: number,
  n: number,
): void {
  let k = 0;
  for (; k + 4 <= c; k += 4) {
    const j0 = rows[k]!,
      j1 = rows[k + 1]!,
      j2 = rows[k + 2]!,
      j3 = rows[k + 3]!;
    const r0 = j0 * n,
      r1 = j1 * n,
      r2 = j2 * n,
      r3 = j3 * n;
    const Δz0 = Δz[j0]!,
      Δz1 = Δz[j1]!,
      Δz2 = Δz[j2]!,
      Δz3 = Δz[j3]!;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      a[r0 + i] += s * (xi * Δz0);
      a[r1 + i] += s * (xi * Δz1);
      a[r2 + i] += s * (xi * Δz2);
      a[r3 + i] += s * (xi * Δz3);
    }
  }
  for (; k < c; k++) {
    const j = rows[k]!,
      row = j * n,
      Δzj = Δz[j]!;
    for (let i = 0; i < n; i++) a[row + i] += s * (x[i]! * Δzj);
  }
}

/**
 * a_ij += x_i Δz_j: addScaledOuterProduct with s = 1 (1 · v = v exactly). The 1 is a literal
 * so that V8, inlining the call, drops the multiply: a gradient pass then runs a few per cent faster.
 */
export function addOuterProduct(
  a: Float64Array,
  x: Float64Array,
  Δz: Float64Array,
  rows: Int32Array,
  c: number,
  n: number,
): void {
  addScaledOuterProduct(a, 1, x, Δz, rows, c, n);
}

/**
 * gw_ij += x_i Δz_j and Δx = Wᵀ Δz in one pass over the rows of W: row j adds x_i Δz_j to gw_ij
 * and w_ij Δz_j to Δx_i. The same sums in the same order as addScaledOuterProduct (s = 1, every
 * row) followed by transposedProduct.
 */
export function gradientAndError(
  w: Float64Array,
  x: Float64Array,
  Δz: Float64Array,
  gw: Float64Array,
  Δx: Float64Array,
  m: number,
  n: number,
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
  b: number,
  w: Float64Array,
  x: Float64Array,
  s: number,
  d: Float64Array,
  Δz: number,
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

/**
 * The minibatch kernels: B patterns held row by row, X [B × n] (x_pi = X[p·n + i]) and D [B × m]
 * (Δz_pj = D[p·m + j]). ONE summation order, whatever the blocking: every sum over patterns runs
 * in increasing p from its start, exactly as B calls of addOuterProduct would add them, so the
 * result equals pattern-by-pattern accumulation bit for bit (and the agents engine's pending
 * sums, which add each pattern's x_i Δz_j in pattern order). The blocking only chooses which
 * entries are computed together: a tile of 4 rows × 2 columns keeps its 8 sums in registers for
 * the whole p loop, so each sum is read and written once per batch instead of once per pattern.
 *   batchGradientStep   w_ji ← w_ji − s · (Σ_p x_pi Δz_pj)   (sum from 0; s = η/B, one pass over W)
 *   addBatchGradient    g_ji ← g_ji + Σ_p x_pi Δz_pj         (sum continuing from g_ji)
 *   batchBiasStep       b_j ← b_j − s · (Σ_p Δz_pj)
 * No row is skipped for Δz_pj = 0: adding x_pi · 0 leaves the sum as it is (an infinite x_pi makes NaN, as it must).
 * Rows from..to−1 only, when given (a thread's share of W): each entry is still one sum over p.
 */
export function batchGradientStep(
  w: Float64Array,
  s: number,
  X: Float64Array,
  D: Float64Array,
  B: number,
  m: number,
  n: number,
  from = 0,
  to = m,
): void {
  outerProductSums(w, s, true, X, D, B, m, n, from, to);
}

export function addBatchGradient(
  g: Float64Array,
  X: Float64Array,
  D: Float64Array,
  B: number,
  m: number,
  n: number,
  from = 0,
  to = m,
): void {
  outerProductSums(g, 1, false, X, D, B, m, n, from, to);
}

export function batchBiasStep(b: Float64Array, s: number, D: Float64Array, B: number, m: number): void {
  for (let j = 0; j < m; j++) {
    let sum = 0;
    for (let p = 0; p < B; p++) sum += D[p * m + j]!;
    b[j] -= s * sum;
  }
}

/** b_j ← b_j + Σ_p Δz_pj, in increasing p. */
export function addBatchBias(gb: Float64Array, D: Float64Array, B: number, m: number): void {
  for (let j = 0; j < m; j++) {
    let sum = gb[j]!;
    for (let p = 0; p < B; p++) sum += D[p * m + j]!;
    gb[j] = sum;
  }
}

/** The tiled loop nest of the two kernels above: `step` true is a ← a − s·sum with sums from 0, else a ← a + sum. */
function outerProductSums(
  a: Float64Array,
  s: number,
  step: boolean,
  X: Float64Array,
  D: Float64Array,
  B: number,
  m: number,
  n: number,
  from: number,
  to: number,
): void {
  const last = B * m;
  let j = from;
  for (; j + 4 <= to; j += 4) {
    const r0 = j * n,
      r1 = r0 + n,
      r2 = r1 + n,
      r3 = r2 + n;
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      let a00 = 0,
        a01 = 0,
        a10 = 0,
        a11 = 0,
        a20 = 0,
        a21 = 0,
        a30 = 0,
        a31 = 0;
      if (!step) {
        a00 = a[r0 + i]!;
        a01 = a[r0 + i + 1]!;
        a10 = a[r1 + i]!;
        a11 = a[r1 + i + 1]!;
        a20 = a[r2 + i]!;
        a21 = a[r2 + i + 1]!;
        a30 = a[r3 + i]!;
        a31 = a[r3 + i + 1]!;
      }
      for (let pm = j, pn = i; pm < last; pm += m, pn += n) {
        const x0 = X[pn]!,
          x1 = X[pn + 1]!;
        const d0 = D[pm]!,
          d1 = D[pm + 1]!,
          d2 = D[pm + 2]!,
          d3 = D[pm + 3]!;
        a00 += x0 * d0;
        a01 += x1 * d0;
        a10 += x0 * d1;
        a11 += x1 * d1;
        a20 += x0 * d2;
        a21 += x1 * d2;
        a30 += x0 * d3;
        a31 += x1 * d3;
      }
      if (step) {
        a[r0 + i] -= s * a00;
        a[r0 + i + 1] -= s * a01;
        a[r1 + i] -= s * a10;
        a[r1 + i + 1] -= s * a11;
        a[r2 + i] -= s * a20;
        a[r2 + i + 1] -= s * a21;
        a[r3 + i] -= s * a30;
        a[r3 + i + 1] -= s * a31;
      } else {
        a[r0 + i] = a00;
        a[r0 + i + 1] = a01;
        a[r1 + i] = a10;
        a[r1 + i + 1] = a11;
        a[r2 + i] = a20;
        a[r2 + i + 1] = a21;
        a[r3 + i] = a30;
        a[r3 + i + 1] = a31;
      }
    }
    for (; i < n; i++) for (let r = 0; r < 4; r++) outerProductSum(a, s, step, X, D, B, m, n, j + r, i);
  }
  for (; j < to; j++) for (let i = 0; i < n; i++) outerProductSum(a, s, step, X, D, B, m, n, j, i);
}

/** One entry of outerProductSums, in the same order (the edges of the tiling, here and in nn/wasm/wasm-kernels.ts). */
export function outerProductSum(
  a: Float64Array,
  s: number,
  step: boolean,
  X: Float64Array,
  D: Float64Array,
  B: number,
  m: number,
  n: number,
  j: number,
  i: number,
): void {
  const k = j * n + i;
  let sum = step ? 0 : a[k]!;
  for (let p = 0; p < B; p++) sum += X[p * n + i]! * D[p * m + j]!;
  if (step) a[k] -= s * sum;
  else a[k] = sum;
}

/**
 * The forward pass of a minibatch, Z = X Wᵀ + b (Z [B × m], z_pj = Z[p·m + j]):
 *   z_pj = b_j + Σ_i w_ij x_pi, summed in increasing i from b_j, as affine sums it for one pattern.
 * A tile of 4 units × 2 patterns keeps its 8 sums in registers: each w_ij loaded serves two
 * patterns, each x_pi four units. The i range is cut into blocks of AFFINE_BLOCK columns, so that
 * a block of W stays in cache while every pattern passes over it; between blocks a sum waits in Z
 * (a stored double reloads exactly), so the blocks do not change the order of the additions.
 */
export function batchAffine(
  w: Float64Array,
  b: Float64Array,
  X: Float64Array,
  Z: Float64Array,
  B: number,
  m: number,
  n: number,
): void {
  for (let p = 0; p < B; p++) Z.set(b.subarray(0, m), p * m);
  for (let i0 = 0; i0 < n; i0 += AFFINE_BLOCK) affineBlock(w, X, Z, B, m, n, i0, Math.min(n, i0 + AFFINE_BLOCK));
}

/** Columns of W per block of batchAffine: 64 columns of a 512-unit layer are 256 kB. */
const AFFINE_BLOCK = 64;

/** z_pj += Σ_{i0 ≤ i < i1} w_ij x_pi for every p and j, in increasing i. */
function affineBlock(
  w: Float64Array,
  X: Float64Array,
  Z: Float64Array,
  B: number,
  m: number,
  n: number,
  i0: number,
  i1: number,
): void {
  let p = 0;
  for (; p + 2 <= B; p += 2) {
    const x0 = p * n,
      x1 = x0 + n,
      z0 = p * m,
      z1 = z0 + m;
    let j = 0;
    for (; j + 4 <= m; j += 4) {
      const r0 = j * n,
        r1 = r0 + n,
        r2 = r1 + n,
        r3 = r2 + n;
      let a00 = Z[z0 + j]!,
        a01 = Z[z0 + j + 1]!,
        a02 = Z[z0 + j + 2]!,
        a03 = Z[z0 + j + 3]!;
      let a10 = Z[z1 + j]!,
        a11 = Z[z1 + j + 1]!,
        a12 = Z[z1 + j + 2]!,
        a13 = Z[z1 + j + 3]!;
      for (let i = i0; i < i1; i++) {
        const u = X[x0 + i]!,
          v = X[x1 + i]!;
        const w0 = w[r0 + i]!,
          w1 = w[r1 + i]!,
          w2 = w[r2 + i]!,
          w3 = w[r3 + i]!;
        a00 += w0 * u;
        a01 += w1 * u;
        a02 += w2 * u;
        a03 += w3 * u;
        a10 += w0 * v;
        a11 += w1 * v;
        a12 += w2 * v;
        a13 += w3 * v;
      }
      Z[z0 + j] = a00;
      Z[z0 + j + 1] = a01;
      Z[z0 + j + 2] = a02;
      Z[z0 + j + 3] = a03;
      Z[z1 + j] = a10;
      Z[z1 + j + 1] = a11;
      Z[z1 + j + 2] = a12;
      Z[z1 + j + 3] = a13;
    }
    for (; j < m; j++) {
      const r = j * n;
      let a0 = Z[z0 + j]!,
        a1 = Z[z1 + j]!;
      for (let i = i0; i < i1; i++) {
        a0 += w[r + i]! * X[x0 + i]!;
        a1 += w[r + i]! * X[x1 + i]!;
      }
      Z[z0 + j] = a0;
      Z[z1 + j] = a1;
    }
  }
  for (; p < B; p++) {
    const x0 = p * n,
      z0 = p * m;
    for (let j = 0; j < m; j++) {
      const r = j * n;
      let a = Z[z0 + j]!;
      for (let i = i0; i < i1; i++) a += w[r + i]! * X[x0 + i]!;
      Z[z0 + j] = a;
    }
  }
}

/**
 * The error of a minibatch pushed back, ΔX = D W (ΔX [B × n], D [B × m]):
 *   Δx_pi = Σ_j w_ji Δz_pj, summed in increasing j from 0, as transposedProduct sums it for one pattern.
 * A tile of 2 patterns × 4 inputs keeps its 8 sums in registers over the whole j loop.
 */
export function batchTransposedProduct(
  w: Float64Array,
  D: Float64Array,
  ΔX: Float64Array,
  B: number,
  m: number,
  n: number,
): void {
  let p = 0;
  for (; p + 2 <= B; p += 2) {
    const d0 = p * m,
      d1 = d0 + m,
      x0 = p * n,
      x1 = x0 + n;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      let a00 = 0,
        a01 = 0,
        a02 = 0,
        a03 = 0,
        a10 = 0,
        a11 = 0,
        a12 = 0,
        a13 = 0;
      for (let j = 0, r = i; j < m; j++, r += n) {
        const u = D[d0 + j]!,
          v = D[d1 + j]!;
        const w0 = w[r]!,
          w1 = w[r + 1]!,
          w2 = w[r + 2]!,
          w3 = w[r + 3]!;
        a00 += w0 * u;
        a01 += w1 * u;
        a02 += w2 * u;
        a03 += w3 * u;
        a10 += w0 * v;
        a11 += w1 * v;
        a12 += w2 * v;
        a13 += w3 * v;
      }
      ΔX[x0 + i] = a00;
      ΔX[x0 + i + 1] = a01;
      ΔX[x0 + i + 2] = a02;
      ΔX[x0 + i + 3] = a03;
      ΔX[x1 + i] = a10;
      ΔX[x1 + i + 1] = a11;
      ΔX[x1 + i + 2] = a12;
      ΔX[x1 + i + 3] = a13;
    }
    for (; i < n; i++) {
      let a0 = 0,
        a1 = 0;
      for (let j = 0; j < m; j++) {
        a0 += w[j * n + i]! * D[d0 + j]!;
        a1 += w[j * n + i]! * D[d1 + j]!;
      }
      ΔX[x0 + i] = a0;
      ΔX[x1 + i] = a1;
    }
  }
  for (; p < B; p++) transposedProduct(w, D.subarray(p * m, (p + 1) * m), ΔX.subarray(p * n, (p + 1) * n), m, n);
}
