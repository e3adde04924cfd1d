/**
 * The agents engine equals the matrix engine (README, Two axes): random nets of every kind,
 * trained side by side from the same params on the same patterns; after every step every weight
 * and bias agrees to 1e-12, as do E, the predictions and the gradients (nets.ts). The other rules: rules.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { initParams } from '../../src/nn/params.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';
import { bothEngines, close, expectParamsClose, firstMismatch } from './compare.ts';
import { convNet, denseNet, run, trainSideBySide } from './nets.ts';

describe('agents engine ≡ matrix engine (backprop)', () => {
  it('dense nets: depth 1–4, widths 1–12, every activation, both losses, batch 1–3', () => {
    fc.assert(
      fc.property(denseNet, run, (spec, r) => trainSideBySide(spec, r)),
      { numRuns: 120 },
    );
  });

  it('conv + dense nets with stride and padding', () => {
    fc.assert(
      fc.property(convNet, run, (spec, r) => trainSideBySide(spec, r)),
      { numRuns: 80 },
    );
  });

  it('a pending minibatch survives gradient() and evaluate() between its patterns', () => {
    const spec = parseNetSpec({
      input: [5],
      layers: [
        { type: 'dense', units: 4, activation: 'tanh' },
        { type: 'dense', units: 3, activation: 'identity' },
      ],
      loss: 'softmax-cross-entropy',
    });
    const random = createRandom('interleaved');
    const { matrix, agents } = bothEngines(spec, initParams(spec, random));
    const x = (): Float64Array => Float64Array.from({ length: 5 }, () => random.normal());
    const t = Float64Array.of(0, 1, 0);
    for (const engine of [matrix, agents]) engine.learn(Float64Array.of(1, 2, 3, 4, 5), t);
    const probes = [x(), x(), x()];
    for (const engine of [matrix, agents]) {
      for (const p of probes) engine.evaluate(p, t);
      engine.gradient(probes, [t, t, t]);
      engine.learn(Float64Array.of(-1, 0.5, 2, 0, 1), t);
      engine.step(0.3);
    }
    expectParamsClose(matrix.snapshot(), agents.snapshot(), 'after the interleaved batch');
  });

  it('softmax group: large logits normalise by the max shift as nn/loss.ts does', () => {
    const spec = parseNetSpec({
      input: [2],
      layers: [{ type: 'dense', units: 4, activation: 'identity' }],
      loss: 'softmax-cross-entropy',
    });
    const params = {
      layers: [{ weights: Float64Array.of(800, 0, -800, 0, 0, 750, 0, -750), bias: Float64Array.of(1, -2, 3, 0) }],
    };
    const { matrix, agents } = bothEngines(spec, params);
    for (const x of [Float64Array.of(1, 1), Float64Array.of(-1, 0.5), Float64Array.of(0, 0)]) {
      const t = Float64Array.of(0, 0, 1, 0);
      const Em = matrix.learn(x, t);
      const Ea = agents.learn(x, t);
      expect(Number.isFinite(Ea)).toBe(true);
      expect(close(Em, Ea)).toBe(true);
      expect(firstMismatch(matrix.prediction, agents.prediction)).toBeNull();
      matrix.step(0.001);
      agents.step(0.001);
    }
    expectParamsClose(matrix.snapshot(), agents.snapshot(), 'large logits');
  });
});
