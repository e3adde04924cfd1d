/**
 * Dense: its one backward, in each of the forms the engines call (gradient and error together,
 * gradient only, error only, error through another matrix, the step straight into W), against
 * the plain loops, number for number.
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { Dense } from '../../src/nn/dense.ts';
import { parseNetSpec, resolveLayers, type DenseSpec, type ResolvedLayer } from '../../src/nn/spec.ts';
import { expectSame, firstDifference } from '../helpers/same-numbers.ts';

const random = createRandom('dense');
const vector = (n: number, zeros = 0): Float64Array =>
  Float64Array.from({ length: n }, () => (random.uniform() < zeros ? 0 : random.normal()));

function dense(m: number, n: number): Dense {
  const spec = parseNetSpec({ input: [n], layers: [{ type: 'dense', units: m, activation: 'relu' }], loss: 'mse' });
  return new Dense(resolveLayers(spec)[0] as ResolvedLayer & DenseSpec, vector(m * n), vector(m));
}

/** gw += s · x Δzᵀ, gb += s · Δz and Δx = Vᵀ Δz by the plain loops. */
function plainBackward(
  v: Float64Array,
  x: Float64Array,
  Δz: Float64Array,
  gw: Float64Array,
  gb: Float64Array,
  s: number,
): Float64Array {
  const m = Δz.length,
    n = x.length,
    Δx = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    gb[j] += s * Δz[j]!;
    for (let i = 0; i < n; i++) gw[j * n + i] += s * (x[i]! * Δz[j]!);
  }
  for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) Δx[i] += v[j * n + i]! * Δz[j]!;
  return Δx;
}

const shapes = [
  { m: 7, n: 13 },
  { m: 4, n: 1 },
  { m: 9, n: 23 },
  { m: 13, n: 17 },
];
const inputs = [
  ['finite inputs', false],
  ['a NaN input', true],
] as const;

describe('Dense.backward', () => {
  it.each(shapes)('forward is z = W x + b, then y = g(z) (m = $m, n = $n)', ({ m, n }) => {
    const layer = dense(m, n),
      x = vector(n);
    layer.forward(x);
    for (let j = 0; j < m; j++) {
      let zj = layer.b[j]!;
      for (let i = 0; i < n; i++) zj += layer.w[j * n + i]! * x[i]!;
      expect(layer.z[j]).toBe(zj);
      expect(layer.y[j]).toBe(Math.max(0, zj));
    }
  });

  for (const [what, nan] of inputs) {
    const every = `every form equals the plain loops, with relu zeros in Δz and ${what} (m = $m, n = $n)`;
    it.each(shapes)(every, ({ m, n }) => {
      const layer = dense(m, n),
        x = vector(n, 0.3),
        Δz = vector(m, 0.5),
        B = vector(m * n);
      if (nan) x[n - 1] = NaN;
      Δz[0] = 0; // at least one unit off
      const start = { weights: vector(m * n), bias: vector(m) };
      const expected = { weights: start.weights.slice(), bias: start.bias.slice() };
      const expectedΔx = plainBackward(layer.w, x, Δz, expected.weights, expected.bias, 1);
      const fresh = () => ({ weights: start.weights.slice(), bias: start.bias.slice() });

      const both = fresh(),
        Δx = vector(n); // Δx starts dirty: backward must clear it
      layer.backward(x, Δz, both, Δx);
      const gradientOnly = fresh();
      layer.backward(x, Δz, gradientOnly, null);
      const errorOnly = vector(n);
      layer.backward(x, Δz, null, errorOnly);
      for (const [form, got] of [
        ['both', both],
        ['gradient only', gradientOnly],
      ] as const) {
        expectSame(got.weights, expected.weights, form);
        expectSame(got.bias, expected.bias, form);
      }
      expectSame(Δx, expectedΔx, 'both');
      expectSame(errorOnly, expectedΔx, 'error only');
      // With a NaN input, the row of a unit that is off must still turn NaN, as x_i · 0 does.
      expect(Number.isNaN(gradientOnly.weights[n - 1]!)).toBe(nan);

      // Through another matrix (feedback alignment's B), with and without the gradient.
      const viaB = vector(n),
        viaBoth = fresh(),
        viaBothΔx = vector(n);
      layer.backward(x, Δz, null, viaB, B);
      layer.backward(x, Δz, viaBoth, viaBothΔx, B);
      const expectedViaB = plainBackward(B, x, Δz, fresh().weights, fresh().bias, 1);
      expectSame(viaB, expectedViaB, 'via B');
      expectSame(viaBothΔx, expectedViaB, 'via B, with the gradient');
      expectSame(viaBoth.weights, expected.weights, 'via B, the gradient');
    });

    const step = `into W with scale −s is the step w −= s · x Δzᵀ, b −= s · Δz, with ${what} (m = $m, n = $n)`;
    it.each(shapes)(step, ({ m, n }) => {
      const layer = dense(m, n),
        x = vector(n, 0.3),
        Δz = vector(m, 0.5),
        s = 0.05;
      if (nan) x[n - 1] = NaN;
      Δz[0] = 0;
      // The reference: the gradient into a zeroed buffer, then w −= s · buffer.
      const gw = new Float64Array(m * n),
        gb = new Float64Array(m);
      plainBackward(layer.w, x, Δz, gw, gb, 1);
      const expectedW = Float64Array.from(layer.w, (w, k) => w - s * gw[k]!);
      const expectedB = Float64Array.from(layer.b, (b, j) => b - s * gb[j]!);
      layer.backward(x, Δz, { weights: layer.w, bias: layer.b }, null, layer.w, -s);
      expectSame(layer.w, expectedW);
      expectSame(layer.b, expectedB);
      expect(Number.isNaN(layer.w[n - 1]!)).toBe(nan); // row 0 is off, yet x · 0 = NaN reaches it
    });
  }

  it('accumulateGradient and pushError are backward with only the gradient, or only the error', () => {
    const layer = dense(6, 11),
      x = vector(11),
      Δz = vector(6, 0.3);
    const a = { weights: vector(66), bias: vector(6) },
      b = { weights: a.weights.slice(), bias: a.bias.slice() };
    layer.accumulateGradient(x, Δz, a.weights, a.bias);
    layer.backward(x, Δz, b, null);
    expectSame(a.weights, b.weights);
    expectSame(a.bias, b.bias);
    const Δx = vector(11),
      expected = vector(11);
    layer.pushError(Δz, Δx);
    layer.backward(x, Δz, null, expected);
    expectSame(Δx, expected);
  });

  it('negative control: a gradient off by one ulp in one weight is reported', () => {
    const layer = dense(5, 8),
      x = vector(8),
      Δz = vector(5);
    const got = { weights: new Float64Array(40), bias: new Float64Array(5) };
    layer.backward(x, Δz, got, null);
    const expected = new Float64Array(40);
    plainBackward(layer.w, x, Δz, expected, new Float64Array(5), 1);
    expect(firstDifference(got.weights, expected)).toBeNull();
    expected[17] = expected[17]! * (1 + Number.EPSILON);
    expect(firstDifference(got.weights, expected)).toMatch(/^\[17\] /);
  });
});
