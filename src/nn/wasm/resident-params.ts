/**
 * A network's weights and biases resident in a WebAssembly memory of their own, and the
 * one-pattern (B = 1) products of nn/kernels.ts run there by kernels.wat without copying W:
 *   residentAffine                 z_j = b_j + Σ_i w_ij x_i              (sum in increasing i, as affine)
 *   residentAddScaledOuterProduct  a_ij ← a_ij + s · (x_i Δz_j)          (listed rows, as addScaledOuterProduct)
 *   residentTransposedProduct      Δx_i = Σ_j w_ij Δz_j                  (sum in increasing j from 0, as transposedProduct)
 * At B = 1 a product makes one multiply and one add per weight, so copying W into the module per
 * pattern would cost as much as the product; only x, Δz and z (one number per unit or input) are
 * copied. The params are ordinary Float64Array views on the memory, so whatever reads or writes
 * them (a snapshot, an evaluation, a loaded set of params) sees the same numbers. Each lane of a
 * vector is its own sum, in the scalar order, so the results are the TypeScript kernels' bits
 * (test/nn/resident-params.test.ts). Arrays not on a resident memory go to the TypeScript kernels.
 */
import { addScaledOuterProduct, affine, transposedProduct } from '../kernels.ts';
import type { Params } from '../params.ts';
import { PAGE, sharedKernels, wasm, WasmSpace } from './wasm-kernels.ts';

/** A resident memory: its module, and a scratch area (after the params) for x, Δz/z and the row list. */
interface Resident {
  space: WasmSpace;
  scratch: number;
  /** Doubles the scratch area holds for x, and for Δz or z. */
  width: number;
}

const residents = new WeakMap<ArrayBufferLike, Resident>();

function align(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/**
 * A copy of `params` in a new WebAssembly memory (never grown: growing would detach the views);
 * `shared`: a shared memory, whose buffer is a SharedArrayBuffer that worker threads can be sent.
 */
export function residentCopy(params: Params, shared = false): Params {
  let bytes = 0;
  const offsets = params.layers.map(({ weights, bias }) => {
    const at = [bytes, bytes + align(weights.byteLength)];
    bytes = at[1]! + align(bias.byteLength);
    return at;
  });
  const width = Math.max(
    1,
    ...params.layers.flatMap(({ weights, bias }) => [bias.length, weights.length / Math.max(1, bias.length)]),
  );
  const scratch = bytes;
  bytes += 2 * align(8 * width) + align(4 * width);
  const pages = Math.ceil(bytes / PAGE) + 1;
  const space = shared
    ? new WasmSpace(new wasm.Memory({ initial: pages, maximum: pages, shared: true }), sharedKernels())
    : new WasmSpace(new wasm.Memory({ initial: pages }));
  const buffer = space.memory.buffer;
  residents.set(buffer, { space, scratch, width });
  return {
    layers: params.layers.map(({ weights, bias }, l) => {
      const w = new Float64Array(buffer, offsets[l]![0], weights.length),
        b = new Float64Array(buffer, offsets[l]![1], bias.length);
      w.set(weights);
      b.set(bias);
      return { weights: w, bias: b };
    }),
  };
}

/** The resident memory of w and b (both on it, x no wider than its scratch), else null. */
function residentOf(w: Float64Array, b: Float64Array | null, m: number, n: number): Resident | null {
  const r = residents.get(w.buffer);
  if (r === undefined || (b !== null && b.buffer !== w.buffer) || m < 1 || n < 1 || m > r.width || n > r.width)
    return null;
  return r;
}

/** z = W x + b (nn/kernels.ts affine), in the module when W and b are resident. */
export function residentAffine(
  w: Float64Array,
  b: Float64Array,
  x: Float64Array,
  z: Float64Array,
  m: number,
  n: number,
): void {
  const r = residentOf(w, b, m, n);
  if (r === null) {
    affine(w, b, x, z, m, n);
    return;
  }
  const buffer = r.space.memory.buffer;
  const px = r.scratch,
    pz = px + align(8 * r.width);
  new Float64Array(buffer, px, n).set(x.subarray(0, n));
  r.space.kernels.affine1(w.byteOffset, b.byteOffset, px, pz, m, n);
  z.set(new Float64Array(buffer, pz, m));
}

/** a_ij += s · (x_i Δz_j) on the listed rows (nn/kernels.ts addScaledOuterProduct), in the module when A is resident. */
export function residentAddScaledOuterProduct(
  a: Float64Array,
  s: number,
  x: Float64Array,
  Δz: Float64Array,
  rows: Int32Array,
  c: number,
  n: number,
): void {
  const m = Δz.length;
  const r = residentOf(a, null, m, n);
  if (r === null) {
    addScaledOuterProduct(a, s, x, Δz, rows, c, n);
    return;
  }
  const buffer = r.space.memory.buffer;
  const px = r.scratch,
    pd = px + align(8 * r.width),
    pr = pd + align(8 * r.width);
  new Float64Array(buffer, px, n).set(x.subarray(0, n));
  new Float64Array(buffer, pd, m).set(Δz);
  new Int32Array(buffer, pr, c).set(rows.subarray(0, c));
  r.space.kernels.outer1(a.byteOffset, s, px, pd, pr, c, n);
}

/** Δx = Wᵀ Δz (nn/kernels.ts transposedProduct), in the module when W is resident (and n ≥ 8, Δx of n numbers). */
export function residentTransposedProduct(
  w: Float64Array,
  Δz: Float64Array,
  Δx: Float64Array,
  m: number,
  n: number,
): void {
  const r = residentOf(w, null, m, n);
  if (r === null || n < 8 || Δx.length !== n || Δz.length < m) {
    transposedProduct(w, Δz, Δx, m, n);
    return;
  }
  const buffer = r.space.memory.buffer;
  const pd = r.scratch,
    pdx = pd + align(8 * r.width);
  new Float64Array(buffer, pd, m).set(Δz.subarray(0, m));
  r.space.kernels.error1(w.byteOffset, pd, pdx, m, n);
  Δx.set(new Float64Array(buffer, pdx, n));
}

/** Whether `a` lives in a resident memory (its products then run in the module). */
export function isResident(a: Float64Array): boolean {
  return residents.has(a.buffer);
}
