/**
 * A neuron's synaptic arithmetic over its own arrays: the weighted sum of its inputs, that sum
 * taken right after writing a pending weight change (one pass over the weights for both), and
 * the folding of one pattern's eligibility into the running sum.
 *   z = b + Σ_i w_i x_i                        added in increasing i, one term at a time
 *   w_i ← w_i − s·(d_i Δz)  or  w_i ← w_i − s·g_i (then g_i ← 0), and z with the new w_i
 *   g_i ← g_i + d_i Δz
 * The loops take four synapses per turn but still add the terms one by one in increasing i, so
 * the sums are bit-for-bit those of the plain loop (and of nn/dense.ts). The unrolling pays for
 * itself once V8 checks every typed-array access for a detached buffer, which it does for the
 * rest of a process after any ArrayBuffer has been detached (loading CommonJS packages under tsx
 * does it): a one-term loop then runs at about half speed.
 */

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

/** w_i ← w_i − s·(d_i Δz), then b + Σ_i w_i x_i with the new weights. */
export function potentialAfterRankOne(b: number, w: Float64Array, x: Float64Array, s: number, d: Float64Array, Δz: number): number {
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

/** w_i ← w_i − s·g_i, g_i ← 0, then b + Σ_i w_i x_i with the new weights. */
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
