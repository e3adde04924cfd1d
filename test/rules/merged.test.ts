import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { createEngine } from '../../src/engines/index.ts';
import { relativeError, type RuleOptions } from '../../src/rules/index.ts';
import { backpropGradient, fixture, logLogSlope, maxParamDiff, NETS, norm, type Fixture } from './helpers.ts';

/** The merged rule's update summed over the fixture's patterns, through the engine factory (the `grad` path). */
function mergedUpdate(f: Fixture, beta: number, symmetric: boolean) {
  const options: RuleOptions = { rule: 'merged', beta, symmetric };
  return createEngine('matrix', f.spec, f.params, options).gradient(f.inputs, f.targets);
}

const BETAS = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1];

describe('merged rule → back-prop as β → 0', () => {
  // The error is ‖u_β − ∇E‖ / ‖∇E‖ over every weight and bias of the net, summed over 3 patterns.
  for (const [name, net] of Object.entries(NETS)) {
    for (const seed of [1, 2, 3]) {
      it(`${name}, seed ${seed}: slope 1 one-sided, slope 2 symmetric, ≤ 1e-6 at β = 1e-5 symmetric`, () => {
        const f = fixture(net, seed);
        const g = backpropGradient(f);
        const oneSided = BETAS.map((β) => relativeError(mergedUpdate(f, β, false).gradients, g));
        const symmetric = BETAS.map((β) => relativeError(mergedUpdate(f, β, true).gradients, g));
        expect(Math.abs(logLogSlope(BETAS, oneSided) - 1)).toBeLessThanOrEqual(0.25);
        expect(Math.abs(logLogSlope(BETAS, symmetric) - 2)).toBeLessThanOrEqual(0.25);
        expect(relativeError(mergedUpdate(f, 1e-5, true).gradients, g)).toBeLessThanOrEqual(1e-6);
      });
    }
  }

  it('has a real bias at finite β: at β = 0.1 the update is not back-prop (no linearisation)', () => {
    const f = fixture(NETS.softmax3, 1);
    expect(relativeError(mergedUpdate(f, 0.1, false).gradients, backpropGradient(f))).toBeGreaterThan(1e-4);
  });

  it('is exact at any β when every activation is the identity (the bias comes only from curvature)', () => {
    const linear = {
      input: [4],
      layers: [
        { type: 'dense', units: 5 },
        { type: 'dense', units: 3 },
        { type: 'dense', units: 2 },
      ],
      loss: 'mse',
    };
    const f = fixture(linear, 4);
    const g = backpropGradient(f);
    for (const β of [0.5, 2])
      expect(maxParamDiff(mergedUpdate(f, β, false).gradients, g)).toBeLessThanOrEqual(1e-12 * Math.max(1, norm(g)));
  });

  it('returns the free-phase loss and prediction, and leaves the weights alone', () => {
    const f = fixture(NETS.mse2, 2);
    const engine = createEngine('matrix', f.spec, f.params, { rule: 'merged', beta: 0.05, symmetric: true });
    const before = engine.snapshot();
    const merged = engine.gradient(f.inputs, f.targets);
    const reference = createEngine('matrix', f.spec, f.params, { rule: 'backprop' }).gradient(f.inputs, f.targets);
    expect(merged.loss).toBe(reference.loss);
    merged.outputs.forEach((o, p) => {
      expect(Array.from(o)).toEqual(Array.from(reference.outputs[p]!));
    });
    expect(maxParamDiff(engine.snapshot(), before)).toBe(0);
  });

  it('rejects β ≤ 0 or not finite with an InputError naming --beta', () => {
    const f = fixture(NETS.mse2, 1);
    for (const beta of [0, -0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createEngine('matrix', f.spec, f.params, { rule: 'merged', beta })).toThrow(InputError);
      expect(() => createEngine('matrix', f.spec, f.params, { rule: 'merged', beta })).toThrow(/--beta/);
    }
  });
});
