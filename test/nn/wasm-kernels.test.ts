/**
 * The WebAssembly minibatch kernels (nn/wasm/wasm-kernels.ts) against the TypeScript kernels of
 * nn/kernels.ts, the documented summation order: the same bits on every element (===, and the
 * sign of every zero), over random shapes with ragged edges, on whole arrays and on views in the
 * middle of larger ones (which must stay untouched around them). A negative control shows that the comparison sees a sum taken
 * in another order; another test, that the committed binary is the committed .wat assembled.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { addBatchGradient, batchAffine, batchGradientStep, batchTransposedProduct } from '../../src/nn/kernels.ts';
import {
  wasmAddBatchGradient,
  wasmBatchAffine,
  wasmBatchAffineRows,
  wasmBatchGradientStep,
  wasmBatchTransposedProduct,
} from '../../src/nn/wasm/wasm-kernels.ts';
import { assembleKernels } from '../../scripts/assemble-kernels.ts';

const random = createRandom('wasm-kernels');
const vector = (n: number, zeros = 0): Float64Array =>
  Float64Array.from({ length: n }, () => (random.uniform() < zeros ? 0 : random.normal()));

/** The first element where the bits differ (=== and, for zeros, the sign), described; null if none. */
function firstBitDifference(actual: Float64Array, expected: Float64Array): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  for (let k = 0; k < actual.length; k++)
    if (!(actual[k]! === expected[k]!) || !Object.is(actual[k], expected[k]))
      return `[${k}] ${actual[k]} vs ${expected[k]}`;
  return null;
}

/** Copies of `arrays`, or views of copies with 3 guard numbers on either side (`guarded`). */
function place(arrays: Float64Array[], guarded: boolean): Float64Array[] {
  if (!guarded) return arrays.map((a) => a.slice());
  return arrays.map((a) => {
    const outer = new Float64Array(a.length + 6).fill(GUARD);
    outer.set(a, 3);
    return outer.subarray(3, 3 + a.length);
  });
}

const GUARD = 12345.678;

/** Whether the numbers around a view made by place() are still the guards. */
function guardsIntact(a: Float64Array): boolean {
  const outer = new Float64Array(a.buffer);
  const k = a.byteOffset / 8;
  return [0, 1, 2].every((t) => outer[k - 3 + t] === GUARD && outer[k + a.length + t] === GUARD);
}

// Every remainder of the 4 × 4 tiles in m and n, and the batch sizes of the brief (1, 2, 31, 64).
const shapes = [1, 2, 31, 64].flatMap((B) =>
  [
    [1, 1],
    [3, 5],
    [4, 4],
    [5, 7],
    [10, 13],
    [17, 30],
    [6, 64 + 3],
  ].map(([m, n]) => ({ B, m: m!, n: n! })),
);
const cases = shapes.flatMap((shape) => [false, true].map((guarded) => ({ ...shape, guarded })));

describe('WebAssembly minibatch kernels: the bits of nn/kernels.ts', () => {
  it.each(cases)('Z = X Wᵀ + b (B = $B, m = $m, n = $n, views: $guarded)', ({ B, m, n, guarded }) => {
    const w = vector(m * n),
      b = vector(m),
      X = vector(B * n, 0.2),
      Z0 = vector(B * m);
    const expected = Z0.slice();
    batchAffine(w, b, X, expected, B, m, n);
    const [w1, b1, X1, Z1] = place([w, b, X, Z0], guarded);
    wasmBatchAffine(w1!, b1!, X1!, Z1!, B, m, n);
    expect(firstBitDifference(Z1!, expected)).toBeNull();
    expect(firstBitDifference(X1!, X)).toBeNull(); // inputs untouched
    if (guarded) expect([w1, b1, X1, Z1].every((a) => guardsIntact(a!))).toBe(true);
  });

  it.each(shapes)(
    'Z = X Wᵀ + b by shares of the rows of W, as threads take them (B = $B, m = $m, n = $n)',
    ({ B, m, n }) => {
      const w = vector(m * n),
        b = vector(m),
        X = vector(B * n, 0.2);
      const expected = new Float64Array(B * m);
      batchAffine(w, b, X, expected, B, m, n);
      const Z = new Float64Array(B * m).fill(NaN);
      const cut = Math.floor(m / 2);
      wasmBatchAffineRows(w, b, X, Z, B, m, n, 0, cut);
      if (cut > 0) expect(Z[cut - 1]).toBe(expected[cut - 1]);
      expect(Z[cut], 'the other share untouched').toBeNaN();
      wasmBatchAffineRows(w, b, X, Z, B, m, n, cut, m);
      expect(firstBitDifference(Z, expected)).toBeNull();
    },
  );

  it.each(cases)('ΔX = D W (B = $B, m = $m, n = $n, views: $guarded)', ({ B, m, n, guarded }) => {
    const w = vector(m * n),
      D = vector(B * m, 0.3),
      ΔX0 = vector(B * n);
    const expected = ΔX0.slice();
    batchTransposedProduct(w, D, expected, B, m, n);
    const [w1, D1, ΔX1] = place([w, D, ΔX0], guarded);
    wasmBatchTransposedProduct(w1!, D1!, ΔX1!, B, m, n);
    expect(firstBitDifference(ΔX1!, expected)).toBeNull();
    if (guarded) expect([w1, D1, ΔX1].every((a) => guardsIntact(a!))).toBe(true);
  });

  it.each(cases)(
    'W ← W − s Dᵀ X and G ← G + Dᵀ X, whole and by rows (B = $B, m = $m, n = $n, views: $guarded)',
    ({ B, m, n, guarded }) => {
      const w = vector(m * n),
        X = vector(B * n, 0.2),
        D = vector(B * m, 0.3),
        s = 0.013;
      // A thread's share of the rows, as engines/threads/shard.ts gives it, and all of them.
      const from = Math.floor(m / 3),
        to = m - Math.floor(m / 4);
      for (const [j0, j1] of [
        [0, m],
        [from, to],
      ]) {
        const stepped = w.slice(),
          summed = w.slice();
        batchGradientStep(stepped, s, X, D, B, m, n, j0, j1);
        addBatchGradient(summed, X, D, B, m, n, j0, j1);
        const [w1, X1, D1] = place([w, X, D], guarded);
        wasmBatchGradientStep(w1!, s, X1!, D1!, B, m, n, j0, j1);
        expect(firstBitDifference(w1!, stepped), `step, rows ${j0}..${j1}`).toBeNull();
        const [g1, X2, D2] = place([w, X, D], guarded);
        wasmAddBatchGradient(g1!, X2!, D2!, B, m, n, j0, j1);
        expect(firstBitDifference(g1!, summed), `fold, rows ${j0}..${j1}`).toBeNull();
        if (guarded) expect([w1, X1, D1, g1, X2, D2].every((a) => guardsIntact(a!))).toBe(true);
      }
    },
  );

  it('negative control: a dot product split over two lanes (even i, odd i) gives other bits', () => {
    const B = 8,
      m = 16,
      n = 301,
      w = vector(m * n),
      b = vector(m),
      X = vector(B * n);
    const expected = new Float64Array(B * m);
    batchAffine(w, b, X, expected, B, m, n);
    const split = new Float64Array(B * m);
    for (let p = 0; p < B; p++)
      for (let j = 0; j < m; j++) {
        let even = b[j]!,
          odd = 0;
        for (let i = 0; i < n; i++)
          if (i % 2 === 0) even += w[j * n + i]! * X[p * n + i]!;
          else odd += w[j * n + i]! * X[p * n + i]!;
        split[p * m + j] = even + odd;
      }
    expect(firstBitDifference(split, expected)).not.toBeNull();
    const Z = new Float64Array(B * m);
    wasmBatchAffine(w, b, X, Z, B, m, n);
    expect(firstBitDifference(Z, expected)).toBeNull();
  });

  it('a non-finite input reaches the results as in the TypeScript kernels', () => {
    const B = 5,
      m = 6,
      n = 9,
      w = vector(m * n),
      b = vector(m),
      X = vector(B * n),
      D = vector(B * m, 0.5);
    X[2 * n + 3] = Infinity;
    const expected = new Float64Array(B * m),
      Z = new Float64Array(B * m);
    batchAffine(w, b, X, expected, B, m, n);
    wasmBatchAffine(w, b, X, Z, B, m, n);
    expect(firstBitDifference(Z, expected)).toBeNull();
    const stepped = w.slice(),
      w1 = w.slice();
    batchGradientStep(stepped, 0.1, X, D, B, m, n);
    wasmBatchGradientStep(w1, 0.1, X, D, B, m, n);
    expect(stepped.some(Number.isNaN)).toBe(true);
    const nanAt = (a: Float64Array) => Array.from(a).flatMap((v, k) => (Number.isNaN(v) ? [k] : []));
    expect([...nanAt(w1)]).toEqual([...nanAt(stepped)]);
    expect(
      firstBitDifference(
        w1.map((v) => (Number.isNaN(v) ? 0 : v)),
        stepped.map((v) => (Number.isNaN(v) ? 0 : v)),
      ),
    ).toBeNull();
  });

  it('the committed binary is kernels.wat assembled (npm run build:wasm)', async () => {
    const committed = readFileSync(new URL('../../src/nn/wasm/kernels-binary.ts', import.meta.url), 'utf8');
    expect(await assembleKernels()).toBe(committed);
  });
});
