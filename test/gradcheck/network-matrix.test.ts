/**
 * The whole-network gradient check for every activation × loss × architecture. For
 * softmax-cross-entropy the last activation is the identity (a spec rule), so the hidden ones
 * vary; for mse every layer uses the activation. ReLU nets are checked linearised.
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { checkNetwork, randomPatterns } from '../../src/gradcheck/index.ts';
import type { ActivationSpec } from '../../src/nn/activation.ts';
import { defaultInit, initParams } from '../../src/nn/params.ts';
import { parseNetSpec, type LossName, type NetSpec } from '../../src/nn/spec.ts';

const ACTIVATIONS: ActivationSpec[] = [
  { name: 'identity' },
  { name: 'relu' },
  { name: 'softplus' },
  { name: 'logistic' },
  { name: 'tanh', a: 1.7159, b: 2 / 3 },
];
const LOSSES: LossName[] = ['mse', 'softmax-cross-entropy'];

const ARCHITECTURES: Record<string, (g: ActivationSpec, last: ActivationSpec) => unknown[]> = {
  'dense (2 hidden layers)': (g, last) => [
    { type: 'dense', units: 7, activation: g },
    { type: 'dense', units: 5, activation: g },
    { type: 'dense', units: 3, activation: last },
  ],
  // Non-square input; stride 2 with padding 1, then stride 1 with padding 2 (the padding wider than half the kernel).
  'conv+dense (stride and padding)': (g, last) => [
    { type: 'conv', filters: 3, kernel: 3, stride: 2, padding: 1, activation: g },
    { type: 'conv', filters: 2, kernel: 2, stride: 1, padding: 2, activation: g },
    { type: 'dense', units: 5, activation: g },
    { type: 'dense', units: 3, activation: last },
  ],
};
const INPUTS: Record<string, number[]> = {
  'dense (2 hidden layers)': [6],
  'conv+dense (stride and padding)': [2, 7, 6],
};

function spec(arch: string, g: ActivationSpec, loss: LossName): NetSpec {
  const last = loss === 'mse' ? g : { name: 'identity' as const };
  return parseNetSpec({ input: INPUTS[arch], layers: ARCHITECTURES[arch]!(g, last), loss });
}

const count = (s: NetSpec) =>
  initParams(s, createRandom(0)).layers.reduce((n, l) => n + l.weights.length + l.bias.length, 0);

describe('whole-network gradient check: worst relative error ≤ 1e-6', () => {
  for (const arch of Object.keys(ARCHITECTURES)) {
    for (const loss of LOSSES) {
      for (const g of ACTIVATIONS) {
        const linearizeRectifiers = g.name === 'relu';
        it(`${arch}, ${loss}, ${g.name}${linearizeRectifiers ? ' (linearised)' : ''}`, () => {
          const s = spec(arch, g, loss);
          const random = createRandom(`${arch} ${loss} ${g.name}`);
          const params = initParams(s, random.derive('init'), defaultInit(s));
          // Non-zero biases, so the bias gradients are exercised away from the initial zeros.
          for (const l of params.layers) for (let k = 0; k < l.bias.length; k++) l.bias[k] = 0.2 * random.normal();
          const data = randomPatterns(s, 4, random.derive('patterns'));
          const result = checkNetwork(s, params, data, { linearizeRectifiers });
          expect(result.worstRelativeError, JSON.stringify(result.worst)).toBeLessThanOrEqual(1e-6);
          expect(result.passed).toBe(true);
          expect(result.checked).toBe(count(s));
          expect(result.loss).toBeGreaterThan(0);
        });
      }
    }
  }
});
