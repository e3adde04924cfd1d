/**
 * The fast dense kernels against the plain loops they replace, compared number for number:
 * they promise the same floating-point operations in the same order, so the results must be
 * equal, not merely close (the agents engine is held to 1e-12 against them).
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { affine, Dense, transposedProduct } from '../../src/nn/dense.ts';
import { resolveLayers, parseNetSpec, type DenseSpec, type ResolvedLayer } from '../../src/nn/spec.ts';

const random = createRandom('dense kernels');
const vector = (n: number, zeros = 0): Float64Array => Float64Array.from({ length: n }, () => (random.uniform() < zeros ? 0 : random.normal()));

/** Number-for-number equality (±0 count as equal, NaN equals NaN). */
function expectSame(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  const differ = [...actual].findIndex((v, k) => !(v === expected[k] || (Number.isNaN(v) && Number.isNaN(expected[k]!))));
  expect(differ, `first difference at ${differ}: ${actual[differ]} vs ${expected[differ]}`).toBe(-1);
}

// Sizes around the four-row blocking: m = 1..9 leaves every remainder.
const shapes = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((m) => ({ m, n: 1 + random.int(40) }));

describe('affine: z = W x + b', () => {
  it.each(shapes)('matches z_j = b_j + Σ_i w_ij x_i summed in increasing i (m = $m, n = $n)', ({ m, n }) => {
    const w = vector(m * n), b = vector(m), x = vector(n), z = new Float64Array(m);
    affine(w, b, x, z, m, n);
    const expected = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      let zj = b[j]!;
      for (let i = 0; i < n; i++) zj += w[j * n + i]! * x[i]!;
      expected[j] = zj;
    }
    expectSame(z, expected);
  });
});

describe('transposedProduct: Δx = Wᵀ Δz', () => {
  it.each(shapes)('matches Δx_i = Σ_j w_ij Δz_j summed in increasing j (m = $m, n = $n)', ({ m, n }) => {
    const w = vector(m * n), Δz = vector(m), Δx = vector(n); // Δx starts dirty: the kernel must clear it
    transposedProduct(w, Δz, Δx, m, n);
    const expected = new Float64Array(n);
    for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) expected[i] += w[j * n + i]! * Δz[j]!;
    expectSame(Δx, expected);
  });
});

describe('Dense', () => {
  const spec = parseNetSpec({ input: [13], layers: [{ type: 'dense', units: 7, activation: 'relu' }], loss: 'mse' });
  const resolved = resolveLayers(spec)[0] as ResolvedLayer & DenseSpec;

  /** gw += x Δzᵀ, gb += Δz, Δx = Wᵀ Δz by the plain loops. */
  function reference(w: Float64Array, x: Float64Array, Δz: Float64Array, gw: Float64Array, gb: Float64Array, Δx: Float64Array): void {
    Δx.fill(0);
    for (let j = 0; j < 7; j++) {
      gb[j] += Δz[j]!;
      for (let i = 0; i < 13; i++) gw[j * 13 + i] += x[i]! * Δz[j]!;
    }
    for (let j = 0; j < 7; j++) for (let i = 0; i < 13; i++) Δx[i] += w[j * 13 + i]! * Δz[j]!;
  }

  for (const [what, x] of [['finite inputs', vector(13)], ['a NaN input', Float64Array.from(vector(13), (v, i) => (i === 5 ? NaN : v))]] as const) {
    it(`backward (one pass) and accumulateGradient + pushError equal the plain loops, with relu zeros in Δz and ${what}`, () => {
      const layer = new Dense(resolved, vector(7 * 13), vector(7));
      const Δz = vector(7, 0.5);
      Δz[2] = 0; // at least one unit off
      const start = { gw: vector(7 * 13), gb: vector(7) };
      const expected = { gw: start.gw.slice(), gb: start.gb.slice(), Δx: new Float64Array(13) };
      reference(layer.w, x, Δz, expected.gw, expected.gb, expected.Δx);

      const fused = { gw: start.gw.slice(), gb: start.gb.slice(), Δx: vector(13) };
      layer.backward(x, Δz, fused.gw, fused.gb, fused.Δx);
      const split = { gw: start.gw.slice(), gb: start.gb.slice(), Δx: vector(13) };
      layer.accumulateGradient(x, Δz, split.gw, split.gb);
      layer.pushError(Δz, split.Δx);
      for (const got of [fused, split]) {
        expectSame(got.gw, expected.gw);
        expectSame(got.gb, expected.gb);
        expectSame(got.Δx, expected.Δx);
      }
      // With a NaN input, the row of a unit that is off must still turn NaN, as x_i · 0 does.
      expect(Number.isNaN(split.gw[2 * 13 + 5]!)).toBe(Number.isNaN(x[5]!));
    });
  }
});

describe('Dense.rankOneStep: w −= s · x Δzᵀ straight into the weights', () => {
  const cases = [
    { m: 9, n: 23, nan: false },
    { m: 4, n: 1, nan: false },
    { m: 13, n: 17, nan: false },
    { m: 13, n: 17, nan: true },
  ];
  it.each(cases)('equals accumulateGradient into a zeroed buffer, then w −= s · buffer (m = $m, n = $n, a NaN input: $nan)', ({ m, n, nan }) => {
    const spec = parseNetSpec({ input: [n], layers: [{ type: 'dense', units: m, activation: 'relu' }], loss: 'mse' });
    const resolved = resolveLayers(spec)[0] as ResolvedLayer & DenseSpec;
    const layer = new Dense(resolved, vector(m * n), vector(m));
    const x = vector(n, 0.3); // zero inputs, as in images
    if (nan) x[n - 1] = NaN;
    const Δz = vector(m, 0.5); // relu units that are off
    Δz[0] = 0;
    const s = 0.05;
    const expected = { w: layer.w.slice(), b: layer.b.slice() };
    const gw = new Float64Array(m * n), gb = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      gb[j] += Δz[j]!;
      for (let i = 0; i < n; i++) gw[j * n + i] += x[i]! * Δz[j]!;
    }
    for (let k = 0; k < m * n; k++) expected.w[k] -= s * gw[k]!;
    for (let j = 0; j < m; j++) expected.b[j] -= s * gb[j]!;
    layer.rankOneStep(x, Δz, s);
    expectSame(layer.w, expected.w);
    expectSame(layer.b, expected.b);
    expect(Number.isNaN(layer.w[n - 1]!)).toBe(nan); // row 0 is off, yet x · 0 = NaN reaches it
  });
});
