/**
 * One thread's share of a minibatch product, the same code on the main thread and in the workers
 * (src/engines/threads/thread-pool.ts). Shard k of T covers [⌊k·N/T⌋, ⌊(k+1)·N/T⌋) of N:
 *   forward  rows j of the shard:      z_pj = w_j x_p + b_j       (batchAffine, a share of W each)
 *   error    patterns p of the shard:  Δy_p = Wᵀ Δz_p             (batchTransposedProduct)
 *   step     rows j of the shard:      w_j −= s · Σ_p x_p Δz_pj   (batchGradientStep)
 *   fold     rows j of the shard:      g_j += Σ_p x_p Δz_pj       (addBatchGradient)
 * Every number is computed whole by one thread, with the sums in the order of nn/kernels.ts (run
 * by the WebAssembly kernels of nn/wasm/wasm-kernels.ts, each thread in its own scratch memory), so
 * the results are the same bits whatever T is: nothing is reduced across threads.
 */
import {
  wasmAddBatchGradient as addBatchGradient,
  wasmBatchAffineRows as batchAffineRows,
  wasmBatchGradientStep as batchGradientStep,
  wasmBatchTransposedProduct as batchTransposedProduct,
} from '../../nn/wasm/wasm-kernels.ts';

export const Op = { forward: 1, error: 2, step: 3, fold: 4, exit: 5 } as const;
export type Op = (typeof Op)[keyof typeof Op];

/** One dense layer's arrays, all on SharedArrayBuffers; rows are patterns (capacity rows each). */
export interface SharedLayer {
  m: number;
  n: number;
  w: Float64Array;
  b: Float64Array;
  /** The pending sum of gradients (fold's target). */
  g: Float64Array;
  /** Kept inputs x_p [capacity × n], errors Δz_p [capacity × m], potentials z_p [capacity × m]. */
  x: Float64Array;
  Δz: Float64Array;
  z: Float64Array;
  /** The error pushed back, Δy_p [capacity × n] (shared by every layer). */
  Δy: Float64Array;
}

export function shardOf(k: number, T: number, N: number): [number, number] {
  return [Math.floor((k * N) / T), Math.floor(((k + 1) * N) / T)];
}

/** Run shard k of T of `op` on `layer`: B patterns from row `first`, scale s (step only). */
export function runShard(op: Op, layer: SharedLayer, B: number, first: number, s: number, k: number, T: number): void {
  const { m, n, w, b } = layer;
  if (op === Op.forward) {
    const [j0, j1] = shardOf(k, T, m);
    batchAffineRows(w, b, rows(layer.x, n, first, B), rows(layer.z, m, first, B), B, m, n, j0, j1);
    return;
  }
  if (op === Op.error) {
    const [p0, p1] = shardOf(k, T, B);
    const from = first + p0,
      count = p1 - p0;
    if (count === 0) return;
    batchTransposedProduct(w, rows(layer.Δz, m, from, count), rows(layer.Δy, n, from, count), count, m, n);
    return;
  }
  const [j0, j1] = shardOf(k, T, m);
  if (j1 === j0) return;
  if (op === Op.step) batchGradientStep(w, s, layer.x, layer.Δz, B, m, n, j0, j1);
  else addBatchGradient(layer.g, layer.x, layer.Δz, B, m, n, j0, j1);
}

function rows(a: Float64Array, width: number, from: number, count: number): Float64Array {
  return a.subarray(from * width, (from + count) * width);
}
