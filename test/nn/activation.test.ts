import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { richardson } from '../../src/gradcheck/central-difference.ts';
import {
  linearized,
  logistic,
  makeActivation,
  parseActivation,
  softplus,
  type ActivationSpec,
} from '../../src/nn/activation.ts';

const TANH_LECUN: ActivationSpec = { name: 'tanh', a: 1.7159, b: 2 / 3 };
const SPECS: ActivationSpec[] = [
  { name: 'identity' },
  { name: 'relu' },
  { name: 'softplus' },
  { name: 'logistic' },
  { name: 'tanh', a: 1, b: 1 },
  TANH_LECUN,
];

const GRID = [0, 1e-3, 0.1, 0.5, 1, 2, 5, 10, 20, 35, 50, 100, 300, 700, 1000].flatMap((z) =>
  z === 0 ? [0] : [z, -z],
);

/**
 * Numeric g'(z): Richardson-extrapolated central differences with a step relative to |z|; for relu, never across the
 * kink.
 */
function numericDerivative(g: (z: number) => number, z: number, kinked = false): number {
  const h = kinked ? Math.min(1e-3 * Math.max(1, Math.abs(z)), Math.abs(z) / 4) : 1e-3 * Math.max(1, Math.abs(z));
  return richardson((s) => ({ E: g(z + s), offset: z + s - z }), h);
}

function expectDerivativeMatches(spec: ActivationSpec, z: number): void {
  const act = makeActivation(spec);
  const y = act.g(z);
  const analytic = act.dg(z, y);
  const numeric = numericDerivative(act.g, z, spec.name === 'relu');
  expect(Number.isFinite(y), `g(${z})`).toBe(true);
  expect(Number.isFinite(analytic), `g'(${z})`).toBe(true);
  expect(
    Math.abs(analytic - numeric),
    `${spec.name} at z = ${z}: analytic ${analytic}, numeric ${numeric}`,
  ).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(analytic)));
}

describe("every activation's g' against central differences", () => {
  for (const spec of SPECS) {
    const label = spec.name === 'tanh' ? `tanh(a=${spec.a}, b=${spec.b.toFixed(4)})` : spec.name;
    it(`${label} over a grid from −1e3 to 1e3 including 0`, () => {
      // relu: the grid's only non-differentiable point is its kink z = 0, checked separately below.
      for (const z of GRID) if (!(spec.name === 'relu' && z === 0)) expectDerivativeMatches(spec, z);
    });
    it(`${label} at random z in [−1e3, 1e3]`, () => {
      fc.assert(
        fc.property(fc.double({ min: -1e3, max: 1e3, noNaN: true }), (z) => {
          // relu: a step of |z|/4 must stay representable, so stay 1e-9 away from the kink.
          if (spec.name === 'relu' && Math.abs(z) < 1e-9) return;
          expectDerivativeMatches(spec, z);
        }),
        { seed: 20240601, numRuns: 200 },
      );
    });
  }

  it("relu at its kink: g'(0) = 0, the left derivative ([z > 0]), while the right derivative is 1", () => {
    const relu = makeActivation({ name: 'relu' });
    expect(relu.dg(0, 0)).toBe(0);
    const h = 1e-6;
    expect((relu.g(0) - relu.g(-h)) / h).toBe(0);
    expect((relu.g(h) - relu.g(0)) / h).toBe(1);
    // A central difference at the kink sees half of each side: neither convention.
    expect((relu.g(h) - relu.g(-h)) / (2 * h)).toBe(0.5);
  });
});

describe('tanh with a = 1.7159, b = 2/3', () => {
  const { a, b } = TANH_LECUN as { a: number; b: number };
  const act = makeActivation(TANH_LECUN);
  it("g'(z) = b(a − g²/a) = a·b·sech²(bz), and matches the numeric derivative", () => {
    for (const z of GRID) {
      const y = act.g(z);
      const dg = act.dg(z, y);
      expect(Math.abs(dg - b * (a - (y * y) / a))).toBeLessThanOrEqual(1e-15);
      const sech2 = 1 / Math.cosh(b * z) ** 2;
      expect(Math.abs(dg - a * b * sech2)).toBeLessThanOrEqual(1e-14);
      expect(Math.abs(dg - numericDerivative(act.g, z))).toBeLessThanOrEqual(1e-9);
    }
  });
  it('g(0) = 0, g′(0) = a·b, and g saturates at ±a', () => {
    expect(act.g(0)).toBe(0);
    expect(act.dg(0, 0)).toBeCloseTo(a * b, 15);
    expect(act.g(1e3)).toBe(a);
    expect(act.g(-1e3)).toBe(-a);
  });
});

describe('softplus and logistic stay finite and exact to rounding for |z| up to 1e3', () => {
  it('softplus(1000) = 1000 and softplus(−1000) = e^−1000, which underflows to 0, not NaN', () => {
    expect(softplus(1000)).toBe(1000);
    expect(softplus(-1000)).toBe(0);
    expect(softplus(800)).toBe(800);
  });

  it('softplus(z) = log(1 + e^z) for very negative z, and softplus(z) − softplus(−z) = z', () => {
    // log(1 + e^z) = e^z − e^2z/2 + …, so from z = −40 on e^z is the exact value to rounding.
    for (const z of [-40, -100, -700]) expect(Math.abs(softplus(z) / Math.exp(z) - 1)).toBeLessThanOrEqual(1e-15);
    expect(Math.abs(softplus(-30) / (Math.exp(-30) * (1 - Math.exp(-30) / 2)) - 1)).toBeLessThanOrEqual(1e-15);
    for (const z of GRID)
      expect(Math.abs(softplus(z) - softplus(-z) - z)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(z)));
    // Against log(1 + e^z), exact enough where that formula does not overflow.
    for (const z of [0.5, 1, 5, 20, 35])
      expect(Math.abs(softplus(z) / Math.log(1 + Math.exp(z)) - 1)).toBeLessThanOrEqual(1e-15);
  });

  it('logistic(−1000) is finite (0), logistic(1000) = 1, logistic(z) = e^z/(1 + e^z) for very negative z, \
and σ(z) + σ(−z) = 1', () => {
    expect(logistic(-1000)).toBe(0);
    expect(logistic(1000)).toBe(1);
    for (const z of [-40, -100, -700]) expect(Math.abs(logistic(z) / Math.exp(z) - 1)).toBeLessThanOrEqual(1e-15);
    expect(Math.abs(logistic(-30) / (Math.exp(-30) / (1 + Math.exp(-30))) - 1)).toBeLessThanOrEqual(1e-15);
    for (const z of GRID) expect(Math.abs(logistic(z) + logistic(-z) - 1)).toBeLessThanOrEqual(2 * Number.EPSILON);
  });

  it("their g' are finite at ±1e3: softplus' is the logistic, logistic' = g(1 − g)", () => {
    const sp = makeActivation({ name: 'softplus' });
    const lg = makeActivation({ name: 'logistic' });
    for (const z of [-1000, 1000]) {
      expect(sp.dg(z, sp.g(z))).toBe(logistic(z));
      expect(Number.isFinite(lg.dg(z, lg.g(z)))).toBe(true);
    }
    for (const z of GRID)
      expect(sp.dg(z, sp.g(z))).toBeCloseTo(Math.exp(Math.min(z, 700)) / (1 + Math.exp(Math.min(z, 700))), 15);
  });
});

describe('activation parsing and linearisation', () => {
  it('accepts a string or an object, defaults tanh to a = b = 1, \
and rejects unknown names with the place and the choices', () => {
    expect(parseActivation('relu', 'x')).toEqual({ name: 'relu' });
    expect(parseActivation({ name: 'tanh' }, 'x')).toEqual({ name: 'tanh', a: 1, b: 1 });
    expect(() => parseActivation('sigmoid', 'net.json: layer 1')).toThrow(
      /^net\.json: layer 1: unknown activation "sigmoid"; expected one of identity, relu, softplus, logistic, tanh$/,
    );
    expect(() => parseActivation({ name: 'tanh', a: 0 }, 'x')).toThrow(
      /tanh parameter a must be a non-zero finite number/,
    );
  });
  it('linearized turns relu into the identity and leaves the smooth activations alone', () => {
    expect(linearized({ name: 'relu' })).toEqual({ name: 'identity' });
    for (const spec of SPECS.filter((s) => s.name !== 'relu')) expect(linearized(spec)).toBe(spec);
  });
});
