/**
 * The kernels of nn/kernels.ts against the plain loops they replace, number for number: they
 * promise the same floating-point operations in the same order, so the results must be equal,
 * not merely close (the engines are held to each other through them).
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import {
  addBatchBias,
  addBatchGradient,
  addOuterProduct,
  addScaled,
  batchAffine,
  batchBiasStep,
  batchGradientStep,
  batchTransposedProduct,
  addScaledOuterProduct,
  affine,
  gradientAndError,
  potential,
  potentialAfterRankOne,
  potentialAfterSum,
  rowsTouched,
  sparsePotential,
  transposedProduct,
} from '../../src/nn/kernels.ts';
import { expectSame, firstDifference } from '../helpers/same-numbers.ts';

const random = createRandom('kernels');
const vector = (n: number, zeros = 0): Float64Array =>
  Float64Array.from({ length: n }, () => (random.uniform() < zeros ? 0 : random.normal()));

// Sizes around the four-way unrolling: m = 1..9 leaves every remainder, and so does n.
const shapes = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((m) => ({ m, n: 1 + random.int(40) }));

/** z_j = b_j + Σ_i w_ij x_i, summed in increasing i. */
function plainAffine(w: Float64Array, b: Float64Array, x: Float64Array, m: number, n: number): Float64Array {
  const z = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let zj = b[j]!;
    for (let i = 0; i < n; i++) zj += w[j * n + i]! * x[i]!;
    z[j] = zj;
  }
  return z;
}

/** Δx_i = Σ_j w_ij Δz_j, summed in increasing j from 0. */
function plainTransposed(w: Float64Array, Δz: Float64Array, m: number, n: number): Float64Array {
  const Δx = new Float64Array(n);
  for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) Δx[i] += w[j * n + i]! * Δz[j]!;
  return Δx;
}

describe('matrix kernels', () => {
  it.each(shapes)('affine: z = W x + b (m = $m, n = $n)', ({ m, n }) => {
    const w = vector(m * n),
      b = vector(m),
      x = vector(n),
      z = vector(m);
    affine(w, b, x, z, m, n);
    expectSame(z, plainAffine(w, b, x, m, n));
  });

  it.each(shapes)('transposedProduct: Δx = Wᵀ Δz, clearing Δx first (m = $m, n = $n)', ({ m, n }) => {
    const w = vector(m * n),
      Δz = vector(m),
      Δx = vector(n);
    transposedProduct(w, Δz, Δx, m, n);
    expectSame(Δx, plainTransposed(w, Δz, m, n));
  });

  it.each(shapes)('addScaledOuterProduct over rowsTouched: a += s · x Δzᵀ (m = $m, n = $n)', ({ m, n }) => {
    for (const nan of [false, true]) {
      const a = vector(m * n),
        x = vector(n, 0.3),
        Δz = vector(m, 0.4),
        s = -0.07;
      if (nan) x[n - 1] = NaN;
      const expected = a.slice();
      for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) expected[j * n + i] += s * (x[i]! * Δz[j]!);
      const rows = new Int32Array(m);
      addScaledOuterProduct(a, s, x, Δz, rows, rowsTouched(Δz, x, rows), n);
      expectSame(a, expected, `a NaN input: ${nan}`);
    }
  });

  it.each(shapes)('addOuterProduct over rowsTouched: a += x Δzᵀ (m = $m, n = $n)', ({ m, n }) => {
    const a = vector(m * n),
      x = vector(n, 0.3),
      Δz = vector(m, 0.4);
    const expected = a.slice();
    for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) expected[j * n + i] += x[i]! * Δz[j]!;
    const rows = new Int32Array(m);
    addOuterProduct(a, x, Δz, rows, rowsTouched(Δz, x, rows), n);
    expectSame(a, expected);
  });

  it('rowsTouched skips the rows with Δz_j = 0, unless an input is not finite (x_i · 0 is then NaN)', () => {
    const Δz = Float64Array.from([0.5, 0, -1, 0]),
      rows = new Int32Array(4);
    expect([...rows.subarray(0, rowsTouched(Δz, vector(3), rows))]).toEqual([0, 2]);
    expect([...rows.subarray(0, rowsTouched(Δz, Float64Array.from([1, Infinity, 2]), rows))]).toEqual([0, 1, 2, 3]);
  });

  it.each(shapes)('gradientAndError: gw += x Δzᵀ and Δx = Vᵀ Δz in one pass (m = $m, n = $n)', ({ m, n }) => {
    const v = vector(m * n),
      x = vector(n),
      Δz = vector(m, 0.3),
      gw = vector(m * n),
      Δx = vector(n);
    const expectedGw = gw.slice();
    for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) expectedGw[j * n + i] += x[i]! * Δz[j]!;
    gradientAndError(v, x, Δz, gw, Δx, m, n);
    expectSame(gw, expectedGw);
    expectSame(Δx, plainTransposed(v, Δz, m, n));
  });
});

describe('row kernels (a neuron of the agents engine)', () => {
  const lengths = [0, 1, 2, 3, 4, 5, 7, 8, 13, 64];
  const plainPotential = (b: number, w: Float64Array, x: Float64Array): number => {
    let z = b;
    for (let i = 0; i < w.length; i++) z += w[i]! * x[i]!;
    return z;
  };

  it.each(lengths)('potential: b + Σ_i w_i x_i in increasing i (n = %i)', (n) => {
    const w = vector(n),
      x = vector(n),
      b = random.normal();
    expect(potential(b, w, x)).toBe(plainPotential(b, w, x));
  });

  it.each(lengths)('sparsePotential: b + Σ_t w_t x[pre_t] (n = %i)', (n) => {
    const x = vector(50),
      w = vector(n),
      b = random.normal();
    const pre = Int32Array.from({ length: n }, () => random.int(50));
    expect(sparsePotential(b, w, x, pre)).toBe(
      plainPotential(
        b,
        w,
        Float64Array.from(pre, (i) => x[i]!),
      ),
    );
  });

  it.each(lengths)('potentialAfterRankOne: w_i −= s·(d_i Δz), then the potential with the new w (n = %i)', (n) => {
    const w = vector(n),
      x = vector(n),
      d = vector(n),
      b = random.normal(),
      s = 0.03,
      Δz = random.normal();
    const expectedW = Float64Array.from(w, (wi, i) => wi - s * (d[i]! * Δz));
    const z = potentialAfterRankOne(b, w, x, s, d, Δz);
    expectSame(w, expectedW);
    expect(z).toBe(plainPotential(b, expectedW, x));
  });

  it.each(lengths)('potentialAfterSum: w_i −= s·g_i, g_i ← 0, then the potential with the new w (n = %i)', (n) => {
    const w = vector(n),
      x = vector(n),
      g = vector(n),
      b = random.normal(),
      s = 0.03;
    const expectedW = Float64Array.from(w, (wi, i) => wi - s * g[i]!);
    const z = potentialAfterSum(b, w, x, s, g);
    expectSame(w, expectedW);
    expectSame(g, new Float64Array(n));
    expect(z).toBe(plainPotential(b, expectedW, x));
  });

  it.each(lengths)('addScaled: g_i += x_i Δz (n = %i)', (n) => {
    const g = vector(n),
      x = vector(n),
      Δz = random.normal();
    const expected = Float64Array.from(g, (gi, i) => gi + x[i]! * Δz);
    addScaled(g, x, Δz);
    expectSame(g, expected);
  });
});

/** B patterns, row p of X and D: the sums over patterns as B calls of addOuterProduct make them (increasing p). */
function patternByPattern(
  a: Float64Array,
  X: Float64Array,
  D: Float64Array,
  B: number,
  m: number,
  n: number,
): Float64Array {
  const sum = a.slice(),
    rows = Int32Array.from({ length: m }, (_, j) => j);
  for (let p = 0; p < B; p++)
    addOuterProduct(sum, X.subarray(p * n, (p + 1) * n), D.subarray(p * m, (p + 1) * m), rows, m, n);
  return sum;
}

// Shapes around the 4 × 2 tiling (m = 1..9, odd and even n) and batches from 1 to past a tile.
const batchShapes = [
  ...shapes.map(({ m, n }, k) => ({ m, n, B: [1, 2, 3, 7, 16, 33][k % 6]! })),
  // Wider than batchAffine's blocks of 64 columns (and not a multiple of them).
  { m: 9, n: 201, B: 5 },
  { m: 13, n: 128, B: 4 },
];

describe('minibatch kernels: the sums over patterns in increasing p, whatever the tiling', () => {
  it.each(batchShapes)('addBatchGradient: g += Σ_p x_p Δz_pᵀ (m = $m, n = $n, B = $B)', ({ m, n, B }) => {
    const g = vector(m * n),
      X = vector(B * n, 0.3),
      D = vector(B * m, 0.4);
    const expected = patternByPattern(g, X, D, B, m, n);
    addBatchGradient(g, X, D, B, m, n);
    expectSame(g, expected);
  });

  it.each(batchShapes)(
    'batchGradientStep: w −= s · Σ_p x_p Δz_pᵀ, sums from 0 (m = $m, n = $n, B = $B)',
    ({ m, n, B }) => {
      for (const nan of [false, true]) {
        const w = vector(m * n),
          X = vector(B * n, 0.3),
          D = vector(B * m, 0.4),
          s = 0.07;
        if (nan) X[B * n - 1] = NaN;
        const sum = patternByPattern(new Float64Array(m * n), X, D, B, m, n);
        const expected = w.map((v, k) => v - s * sum[k]!);
        batchGradientStep(w, s, X, D, B, m, n);
        expectSame(w, expected, `a NaN input: ${nan}`);
        if (nan) expect(w.filter(Number.isNaN).length).toBe(m); // the last column of every row
      }
    },
  );

  it.each(batchShapes)(
    'batchAffine: z_p = W x_p + b, each as affine sums it (m = $m, n = $n, B = $B)',
    ({ m, n, B }) => {
      const w = vector(m * n),
        b = vector(m),
        X = vector(B * n, 0.2),
        Z = vector(B * m);
      batchAffine(w, b, X, Z, B, m, n);
      for (let p = 0; p < B; p++)
        expectSame(Z.subarray(p * m, (p + 1) * m), plainAffine(w, b, X.subarray(p * n), m, n), `pattern ${p}`);
    },
  );

  it.each(batchShapes)(
    'batchTransposedProduct: Δx_p = Wᵀ Δz_p, each from 0 (m = $m, n = $n, B = $B)',
    ({ m, n, B }) => {
      const w = vector(m * n),
        D = vector(B * m, 0.4),
        ΔX = vector(B * n);
      batchTransposedProduct(w, D, ΔX, B, m, n);
      for (let p = 0; p < B; p++) {
        expectSame(ΔX.subarray(p * n, (p + 1) * n), plainTransposed(w, D.subarray(p * m), m, n), `pattern ${p}`);
      }
    },
  );

  it.each(batchShapes)('batchBiasStep and addBatchBias: Σ_p Δz_p in increasing p (m = $m, B = $B)', ({ m, B }) => {
    const b = vector(m),
      D = vector(B * m, 0.4),
      s = 0.07;
    const sum = new Float64Array(m),
      fromB = b.slice();
    for (let p = 0; p < B; p++)
      for (let j = 0; j < m; j++) {
        sum[j] += D[p * m + j]!;
        fromB[j] += D[p * m + j]!;
      }
    const stepped = b.slice(),
      added = b.slice();
    batchBiasStep(stepped, s, D, B, m);
    addBatchBias(added, D, B, m);
    expectSame(
      stepped,
      b.map((v, j) => v - s * sum[j]!),
      'step',
    );
    expectSame(added, fromB, 'add');
  });
});

describe('negative controls: the comparison sees a difference', () => {
  it('a batch summed in decreasing p is told apart from the kernel (the order over patterns matters)', () => {
    // x_p = 1 for every p, Δz = (1, 1e16, −1e16): in increasing p, 1 + 1e16 rounds to 1e16 and the sum ends at 0.
    const m = 1,
      n = 1,
      B = 3,
      X = Float64Array.from([1, 1, 1]),
      D = Float64Array.from([1, 1e16, -1e16]);
    const g = new Float64Array(1);
    addBatchGradient(g, X, D, B, m, n);
    let backwards = 0;
    for (let p = B - 1; p >= 0; p--) backwards += X[p]! * D[p]!;
    expect(g[0]).toBe(0);
    expect(firstDifference([backwards], g)).toBe('[0] 1 vs 0');
  });

  it('a result one ulp away is reported', () => {
    const m = 7,
      n = 33,
      w = vector(m * n),
      b = vector(m),
      x = vector(n),
      z = new Float64Array(m);
    affine(w, b, x, z, m, n);
    const perturbed = z.slice();
    perturbed[5] = perturbed[5]! + Math.abs(perturbed[5]!) * Number.EPSILON;
    expect(perturbed[5]).not.toBe(z[5]);
    expect(firstDifference(perturbed, plainAffine(w, b, x, m, n))).toBe(`[5] ${perturbed[5]} vs ${z[5]}`);
  });

  it('the same sums added in another order are reported (the order is what the kernels keep)', () => {
    const w = Float64Array.from([1, 1e16, -1e16]),
      x = Float64Array.from([1, 1, 1]);
    let backwards = 0;
    for (let i = w.length - 1; i >= 0; i--) backwards += w[i]! * x[i]!;
    expect(potential(0, w, x)).toBe(0); // (1 + 1e16) rounds to 1e16
    expect(firstDifference([backwards], [potential(0, w, x)])).toBe('[0] 1 vs 0');
  });
});
