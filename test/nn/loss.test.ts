import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { richardson } from '../../src/gradcheck/central-difference.ts';
import { logSumExp, mse, softmaxCrossEntropy, type Loss } from '../../src/nn/loss.ts';

function evaluate(
  loss: Loss,
  y: ArrayLike<number>,
  t: ArrayLike<number>,
): { E: number; prediction: Float64Array; Δy: Float64Array } {
  const prediction = new Float64Array(y.length);
  const Δy = new Float64Array(y.length);
  const E = loss.evaluate(Float64Array.from(y), t, prediction, Δy);
  return { E, prediction, Δy };
}

/** ∂E/∂y_j by Richardson-extrapolated central differences. */
function numericGradient(loss: Loss, y: Float64Array, t: ArrayLike<number>): number[] {
  return Array.from(y, (_, j) =>
    richardson((s) => {
      const shifted = Float64Array.from(y);
      shifted[j] = y[j]! + s;
      return { E: evaluate(loss, shifted, t).E, offset: shifted[j]! - y[j]! };
    }, 1e-3),
  );
}

const random = createRandom('loss tests');

describe('softmax-cross-entropy', () => {
  it('∂E/∂z = p − t (the last activation is the identity, so z = y), against central differences of E over z', () => {
    for (let trial = 0; trial < 20; trial++) {
      const n = 2 + random.int(8);
      const z = Float64Array.from({ length: n }, () => 3 * random.normal());
      // One-hot targets, and on odd trials soft targets that sum to 1.
      const t = new Float64Array(n);
      if (trial % 2 === 0) t[random.int(n)] = 1;
      else {
        for (let j = 0; j < n; j++) t[j] = random.uniform();
        const sum = t.reduce((a, b) => a + b, 0);
        for (let j = 0; j < n; j++) t[j] = t[j]! / sum;
      }
      const { prediction: p, Δy } = evaluate(softmaxCrossEntropy, z, t);
      const numeric = numericGradient(softmaxCrossEntropy, z, t);
      for (let j = 0; j < n; j++) {
        expect(Δy[j]).toBe(p[j]! - t[j]!);
        expect(Math.abs(Δy[j]! - numeric[j]!)).toBeLessThanOrEqual(1e-10);
      }
      expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThanOrEqual(1e-15);
    }
  });

  it('E = −Σ t log softmax(z) for moderate z', () => {
    const z = [0.3, -1.2, 2.0];
    const t = [0, 0, 1];
    const norm = z.reduce((s, v) => s + Math.exp(v), 0);
    expect(evaluate(softmaxCrossEntropy, z, t).E).toBeCloseTo(-Math.log(Math.exp(2.0) / norm), 14);
  });

  it('log-sum-exp keeps E, p and Δy finite for z near ±1e3', () => {
    const z = [1000, 999, -1000];
    const { E, prediction: p, Δy } = evaluate(softmaxCrossEntropy, z, [1, 0, 0]);
    // E = log(1 + e^−1 + e^−2000), computed as (1000 + log Σ e^(z−1000)) − 1000: good to an ulp of 1000 (1.1e-13).
    expect(Math.abs(E - Math.log1p(Math.exp(-1)))).toBeLessThanOrEqual(2e-13);
    expect(Array.from(p).every(Number.isFinite) && Array.from(Δy).every(Number.isFinite)).toBe(true);
    expect(Math.abs(p[0]! - 1 / (1 + Math.exp(-1)))).toBeLessThanOrEqual(2e-13);
    expect(p[2]).toBe(0);
    expect(Math.abs(evaluate(softmaxCrossEntropy, [1000, 1000], [0, 1]).E - Math.log(2))).toBeLessThanOrEqual(2e-13);
    // The wrong class by 2000: E = 2000 exactly, not Infinity.
    expect(evaluate(softmaxCrossEntropy, [1000, -1000], [0, 1]).E).toBe(2000);
    expect(logSumExp([1000, 1000, 1000])).toBeCloseTo(1000 + Math.log(3), 12);
    expect(logSumExp([-1000, -1000])).toBeCloseTo(-1000 + Math.log(2), 12);
  });
});

describe('mse', () => {
  it('E = ½‖y − t‖² summed over outputs, and ∂E/∂y = y − t against central differences', () => {
    for (let trial = 0; trial < 10; trial++) {
      const n = 1 + random.int(6);
      const y = Float64Array.from({ length: n }, () => random.normal());
      const t = Float64Array.from({ length: n }, () => random.normal());
      const { E, prediction, Δy } = evaluate(mse, y, t);
      let expected = 0;
      for (let j = 0; j < n; j++) expected += 0.5 * (y[j]! - t[j]!) ** 2;
      expect(E).toBeCloseTo(expected, 14);
      expect(Array.from(prediction)).toEqual(Array.from(y));
      const numeric = numericGradient(mse, y, t);
      for (let j = 0; j < n; j++) {
        expect(Δy[j]).toBe(y[j]! - t[j]!);
        expect(Math.abs(Δy[j]! - numeric[j]!)).toBeLessThanOrEqual(1e-10);
      }
    }
  });
});
