/**
 * The minibatch products of nn/kernels.ts run by the WebAssembly SIMD module kernels.wat, with
 * the same sums in the same order, so the same bits (test/nn/wasm-kernels.test.ts compares them
 * with ===):
 *   wasmBatchAffine             Z = X Wᵀ + b      z_pj = b_j + Σ_i w_ji x_pi    (increasing i)
 *   wasmBatchTransposedProduct  ΔX = D W          Δx_pi = Σ_j w_ji Δz_pj        (increasing j, from 0)
 *   wasmBatchGradientStep       w_ji ← w_ji − s · Σ_p x_pi Δz_pj               (increasing p, from 0)
 *   wasmAddBatchGradient        g_ji ← g_ji + x_0i Δz_0j + x_1i Δz_1j + …      (increasing p)
 * Each takes the arguments of its namesake in nn/kernels.ts. And a conv layer's error:
 *   wasmConvError  Δx[c,iy,ix] = Σ w[f,c,ky,kx] Δz[f,oy,ox] over the outputs that read the input,
 *                  in increasing (f, oy, ox) from 0: the order of nn/conv.ts's push
 *
 * The module computes in a memory of its own, one per thread: the operands are copied in and the
 * results copied back (a copy costs one pass over an array; a product, 2B flops per weight).
 * The one-pattern products (B = 1) instead run on params resident in a memory of their own
 * (resident-params.ts), where copying W would cost as much as the product.
 * Shapes the module does not take (an empty dimension; fewer than 4 inputs in the error product or
 * 4 columns in the gradient) go to the TypeScript kernels, which give the same numbers. The
 * module is compiled synchronously when this file is loaded, so worker threads have it too.
 */
import {
  addBatchGradient,
  batchAffine,
  batchGradientStep,
  batchTransposedProduct,
  outerProductSum,
} from '../kernels.ts';
import { KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels-binary.ts';

export interface KernelExports {
  affine1(w: number, b: number, x: number, z: number, m: number, n: number): void;
  error1(w: number, d: number, dx: number, m: number, n: number): void;
  outer1(a: number, s: number, x: number, d: number, rows: number, c: number, n: number): void;
  affine(w: number, b: number, x: number, z: number, B: number, m: number, n: number): void;
  error(w: number, d: number, dx: number, B: number, m: number, n: number): void;
  convError(...args: number[]): void;
  outer(
    a: number,
    s: number,
    step: number,
    x: number,
    d: number,
    B: number,
    m: number,
    n: number,
    from: number,
    to: number,
  ): void;
}

/** The part of the WebAssembly JS API used here (the build's lib has no DOM, and @types/node declares no WebAssembly). */
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}
export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export const PAGE = 65536;

const compile = (base64: string): object => new wasm.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
const kernelModule = compile(KERNELS_WASM_BASE64);
let sharedKernelModule: object | null = null;

/** The module on a shared memory (compiled on first use). */
export function sharedKernels(): object {
  sharedKernelModule ??= compile(KERNELS_SHARED_WASM_BASE64);
  return sharedKernelModule;
}

/** A memory and the module instantiated on it. */
export class WasmSpace {
  readonly kernels: KernelExports;
  constructor(
    readonly memory: WasmMemory,
    module: object = kernelModule,
  ) {
    const instance = new wasm.Instance(module, { env: { memory } });
    this.kernels = instance.exports as unknown as KernelExports;
  }
}

let scratch: WasmSpace | null = null;

/**
 * This thread's scratch memory, at least `bytes` long. A larger need gets a new memory rather than
 * a grown one: growing would detach the old buffer, and after the first detached buffer V8 checks
 * every typed-array access in the process for detachment (see nn/kernels.ts).
 */
function scratchSpace(bytes: number): WasmSpace {
  if (scratch === null || scratch.memory.buffer.byteLength < bytes)
    scratch = new WasmSpace(new wasm.Memory({ initial: Math.ceil((1.5 * bytes) / PAGE) + 1 }));
  return scratch;
}

function align(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/**
 * `arrays` copied into this thread's scratch memory: their byte offsets there, and the values of
 * those that `copyIn` marks as read; copyOut(k) brings array k's results back.
 */
class Placement {
  readonly space: WasmSpace;
  readonly pointers: number[] = [];
  readonly copies: Float64Array[];

  constructor(
    private readonly arrays: readonly Float64Array[],
    copyIn: readonly boolean[],
  ) {
    let bytes = 0;
    for (const a of arrays) {
      this.pointers.push(bytes);
      bytes += align(a.byteLength);
    }
    this.space = scratchSpace(bytes);
    const buffer = this.space.memory.buffer;
    this.copies = arrays.map((a, k) => {
      const copy = new Float64Array(buffer, this.pointers[k], a.length);
      if (copyIn[k]) copy.set(a);
      return copy;
    });
  }

  copyOut(k: number): void {
    this.arrays[k]!.set(this.copies[k]!);
  }
}

export function wasmBatchAffine(
  w: Float64Array,
  b: Float64Array,
  X: Float64Array,
  Z: Float64Array,
  B: number,
  m: number,
  n: number,
): void {
  if (B < 1 || m < 1 || n < 1) {
    batchAffine(w, b, X, Z, B, m, n);
    return;
  }
  const at = new Placement(
    [w.subarray(0, m * n), b.subarray(0, m), X.subarray(0, B * n), Z.subarray(0, B * m)],
    [true, true, true, false],
  );
  const [pw, pb, px, pz] = at.pointers;
  at.space.kernels.affine(pw!, pb!, px!, pz!, B, m, n);
  at.copyOut(3);
}

/**
 * wasmBatchAffine for units j0..j1−1 only (a thread's share of W's rows): z_pj for those j, the
 * same sums; Z is [B × m] as in wasmBatchAffine, its other columns untouched. Only the share of W
 * is copied.
 */
export function wasmBatchAffineRows(
  w: Float64Array,
  b: Float64Array,
  X: Float64Array,
  Z: Float64Array,
  B: number,
  m: number,
  n: number,
  j0: number,
  j1: number,
): void {
  const units = j1 - j0;
  if (units < 1 || B < 1) return;
  if (n < 1) {
    for (let p = 0; p < B; p++) Z.set(b.subarray(j0, j1), p * m + j0);
    return;
  }
  const at = new Placement(
    [w.subarray(j0 * n, j1 * n), b.subarray(j0, j1), X.subarray(0, B * n), new Float64Array(B * units)],
    [true, true, true, false],
  );
  const [pw, pb, px, pz] = at.pointers;
  at.space.kernels.affine(pw!, pb!, px!, pz!, B, units, n);
  const rows = at.copies[3]!;
  for (let p = 0; p < B; p++) Z.set(rows.subarray(p * units, (p + 1) * units), p * m + j0);
}

export function wasmBatchTransposedProduct(
  w: Float64Array,
  D: Float64Array,
  ΔX: Float64Array,
  B: number,
  m: number,
  n: number,
): void {
  if (B < 1 || m < 1 || n < 4) {
    batchTransposedProduct(w, D, ΔX, B, m, n);
    return;
  }
  const at = new Placement([w.subarray(0, m * n), D.subarray(0, B * m), ΔX.subarray(0, B * n)], [true, true, false]);
  const [pw, pd, pdx] = at.pointers;
  at.space.kernels.error(pw!, pd!, pdx!, B, m, n);
  at.copyOut(2);
}

export function wasmBatchGradientStep(
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
  if (B < 1 || n < 4) {
    batchGradientStep(w, s, X, D, B, m, n, from, to);
    return;
  }
  outerProductSums(w, s, true, X, D, B, m, n, from, to);
}

export function wasmAddBatchGradient(
  g: Float64Array,
  X: Float64Array,
  D: Float64Array,
  B: number,
  m: number,
  n: number,
  from = 0,
  to = m,
): void {
  if (B < 1 || n < 4) {
    addBatchGradient(g, X, D, B, m, n, from, to);
    return;
  }
  outerProductSums(g, 1, false, X, D, B, m, n, from, to);
}

/** Rows from..to−1 of A: the module takes the columns in fours, the TypeScript kernel the last n mod 4. */
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
  if (to <= from) return;
  // Only rows from..to−1 of A are visited; D's pointer moves by `from` columns so that row 0 of the slice reads Δz_p,from.
  const at = new Placement(
    [a.subarray(from * n, to * n), X.subarray(0, B * n), D.subarray(from, B * m)],
    [true, true, true],
  );
  const [pa, px, pd] = at.pointers;
  at.space.kernels.outer(pa!, s, step ? 1 : 0, px!, pd!, B, m, n, 0, to - from);
  at.copyOut(0);
  for (let i = n - (n % 4); i < n; i++)
    for (let j = from; j < to; j++) outerProductSum(a, s, step, X, D, B, m, n, j, i);
}

/** A conv layer's Δx from Δz through the kernels `via` [F × C × K × K], in the push's order (see kernels.wat). */
export function wasmConvError(
  via: Float64Array,
  Δz: Float64Array,
  Δx: Float64Array,
  shape: { C: number; H: number; W: number; F: number; OH: number; OW: number; K: number; s: number; p: number },
): void {
  const { C, H, W, F, OH, OW, K, s, p } = shape;
  const at = new Placement(
    [via.subarray(0, F * C * K * K), Δz.subarray(0, F * OH * OW), Δx.subarray(0, C * H * W)],
    [true, true, false],
  );
  const [pw, pdz, pdx] = at.pointers;
  at.space.kernels.convError(pw!, pdz!, pdx!, C, H, W, F, OH, OW, K, s, p);
  at.copyOut(2);
}
