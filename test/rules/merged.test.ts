import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { createEngine } from '../../src/engines/index.ts';
import { relativeError, type RuleOptions } from '../../src/rules/index.ts';
import { checkGradient } from '../../src/gradcheck/index.ts';
import { Network } from '../../src/nn/network.ts';
import { cloneParams } from '../../src/nn/params.ts';
import {
  backpropGradient,
  fixture,
  logLogSlope,
  maxParamDiff,
  NETS,
  norm,
  POOL_NETS,
  type Fixture,
} from './helpers.ts';

/** The merged rule's update summed over the fixture's patterns, through the engine factory (the `grad` path). */
function mergedUpdate(f: Fixture, beta: number, symmetric: boolean) {
  const options: RuleOptions = { rule: 'merged', beta, symmetric };
  return createEngine('matrix', f.spec, f.params, options).gradient(f.inputs, f.targets);
}

const BETAS = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1];

describe('merged rule → back-prop as β → 0', () => {
  // The error is ‖u_β − ∇E‖ / ‖∇E‖ over every weight and bias of the net, summed over 3 patterns.
  for (const [name, net] of Object.entries({ ...NETS, ...POOL_NETS })) {
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

  // Through pool layers: the error at two β, one-sided (∝ β) and symmetric (∝ β²).
  for (const [name, net] of Object.entries(POOL_NETS)) {
    it(`${name}: one-sided error ∝ β, symmetric ∝ β² (β = 1e-2 against 1e-3)`, () => {
      const f = fixture(net, 11);
      const g = backpropGradient(f);
      const error = (β: number, symmetric: boolean) => relativeError(mergedUpdate(f, β, symmetric).gradients, g);
      const [one2, one3, sym2, sym3] = [error(1e-2, false), error(1e-3, false), error(1e-2, true), error(1e-3, true)];
      expect(one2 / one3).toBeGreaterThan(5);
      expect(one2 / one3).toBeLessThan(20);
      expect(sym2 / sym3).toBeGreaterThan(50);
      expect(sym2 / sym3).toBeLessThan(200);
      expect(sym3).toBeLessThan(1e-4);
    });

    it(`${name}: at β = 1e-4 (symmetric) the update passes the gradient check against E's central differences`, () => {
      const f = fixture(net, 12);
      const net_ = new Network(f.spec, cloneParams(f.params));
      const lossAt = (): number => f.inputs.reduce((E, x, p) => E + net_.evaluate(x, f.targets[p]!), 0);
      const pass = checkGradient(lossAt, net_.params, mergedUpdate(f, 1e-4, true).gradients);
      expect(pass.worstRelativeError, JSON.stringify(pass.worst)).toBeLessThanOrEqual(1e-6);
      // Negative control: the one-sided update at β = 0.1 is biased, and the same check sees it.
      const fail = checkGradient(lossAt, net_.params, mergedUpdate(f, 0.1, false).gradients);
      expect(fail.passed).toBe(false);
    });
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
