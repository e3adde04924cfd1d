/**
 * The essay's warning as a measured fact: "rectified linear units are not amenable to numerical
 * gradient checking ... the gradient may change suddenly when the unit activations go from slightly
 * negative to slightly positive ... The solution is to bypass the rectified units by making them
 * linear during the gradient check procedure."
 *
 * A 2-2-1 relu net on one pattern, built so that hidden unit 0 sits at its kink: z_0 = 0 exactly,
 * or z_0 = 1e-9, well within any step h. The back-prop gradient is right (g′ = [z > 0]), yet the
 * central difference straddles the kink and measures half a slope, so the check fails; with the
 * rectifiers linearised it passes. Moved away from the kink, the same net passes unlinearised.
 */
import { describe, expect, it } from 'vitest';
import { checkNetwork, type WorstCoordinate } from '../../src/gradcheck/index.ts';
import type { Params } from '../../src/nn/params.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';

const spec = parseNetSpec({
  input: [2],
  layers: [
    { type: 'dense', units: 2, activation: 'relu' },
    { type: 'dense', units: 1, activation: 'identity' },
  ],
  loss: 'mse',
});

/** z_0 = 1·x_0 − 1·x_1 + b_0 = b_0 for x = (0.5, 0.5); unit 1 sits safely at z_1 = 0.475. */
function params(b0: number): Params {
  return {
    layers: [
      { weights: Float64Array.from([1, -1, 0.5, 0.25]), bias: Float64Array.from([b0, 0.1]) },
      { weights: Float64Array.from([0.7, -0.3]), bias: Float64Array.from([0.05]) },
    ],
  };
}
const data = { inputs: [Float64Array.from([0.5, 0.5])], targets: [Float64Array.from([1])] };

describe("relu at its kink defeats the numerical gradient check (the essay's warning)", () => {
  for (const [label, b0] of [
    ['z = 0 exactly', 0],
    ['z = 1e-9', 1e-9],
  ] as const) {
    for (const richardson of [true, false]) {
      it(`${label}, ${richardson ? 'Richardson-extrapolated' : 'plain'} central differences: fails as is, \
passes linearised`, () => {
        const asIs = checkNetwork(spec, params(b0), data, { richardson });
        expect(asIs.passed).toBe(false);
        const worst = asIs.worst as WorstCoordinate;
        // The culprit is a parameter feeding unit 0: its weights (indices 0, 1) or its bias.
        expect(worst.layer).toBe(0);
        expect(worst.which === 'weights' ? [0, 1] : [0]).toContain(worst.index);
        // Not a rounding effect: the numeric derivative is off by a large fraction (half a slope, or more).
        expect(asIs.worstRelativeError).toBeGreaterThan(0.3);

        const linearised = checkNetwork(spec, params(b0), data, { richardson, linearizeRectifiers: true });
        expect(linearised.passed).toBe(true);
        expect(linearised.worstRelativeError).toBeLessThanOrEqual(1e-6);
        expect(linearised.linearizeRectifiers).toBe(true);
      });
    }
  }

  it('at z = 0 back-prop says unit 0 is off (g′(0) = 0) while the central difference sees half its slope', () => {
    const r = checkNetwork(spec, params(0), data, { richardson: false });
    const worst = r.worst as WorstCoordinate;
    expect(worst.analytic).toBe(0);
    // Right-hand slope of E in b_0: ∂E/∂y · w_out,0 = (y − t)·0.7 with y = 0.05 − 0.3·0.475; half of that, up to h.
    const y = 0.05 - 0.3 * (0.5 * 0.5 + 0.25 * 0.5 + 0.1);
    const halfSlope = 0.5 * (y - 1) * 0.7 * (worst.which === 'bias' ? 1 : 0.5);
    expect(worst.numeric).toBeCloseTo(halfSlope, 4);
    expect(r.worstRelativeError).toBe(1);
  });

  it('the same net away from the kink (z_0 = 0.5) passes without linearising', () => {
    const r = checkNetwork(spec, params(0.5), data);
    expect(r.passed).toBe(true);
  });
});
