/** Shared fixtures for the rule tests: small random nets with patterns, and comparisons of params-shaped values. */
import { createRandom } from '../../src/core/random.ts';
import { Network } from '../../src/nn/network.ts';
import { initParams, zerosLike, type Params } from '../../src/nn/params.ts';
import { parseNetSpec, type NetSpec } from '../../src/nn/spec.ts';
import { logLogFit } from '../../src/report/stats.ts';

export interface Fixture {
  spec: NetSpec;
  params: Params;
  inputs: Float64Array[];
  targets: Float64Array[];
}

/**
 * Seeded params (with non-zero biases, so the bias paths are exercised) and P patterns; targets uniform in [0,1] for
 * mse, one-hot for softmax-CE.
 */
export function fixture(specJson: unknown, seed: number, P = 3): Fixture {
  const spec = parseNetSpec(specJson);
  const random = createRandom(`rules-test/${seed}`);
  const params = initParams(spec, random.derive('init'));
  for (const l of params.layers) for (let k = 0; k < l.bias.length; k++) l.bias[k] = 0.3 * random.normal();
  const net = new Network(spec, params);
  const n = net.inputSize;
  const m = net.output.length;
  const inputs = Array.from({ length: P }, () => Float64Array.from({ length: n }, () => random.normal()));
  const targets = inputs.map(() => {
    if (spec.loss === 'mse') return Float64Array.from({ length: m }, () => random.uniform());
    const t = new Float64Array(m);
    t[random.int(m)] = 1;
    return t;
  });
  return { spec, params, inputs, targets };
}

/** ∂E/∂w summed over the fixture's patterns (back-prop, the reference). */
export function backpropGradient(f: Fixture, params: Params = f.params): Params {
  return new Network(f.spec, params).gradient(f.inputs, f.targets).gradients;
}

/** The largest |a − b| over every weight and bias. */
export function maxParamDiff(a: Params, b: Params): number {
  let m = 0;
  a.layers.forEach((la, l) => {
    const lb = b.layers[l]!;
    for (const key of ['weights', 'bias'] as const)
      for (let k = 0; k < la[key].length; k++) m = Math.max(m, Math.abs(la[key][k]! - lb[key][k]!));
  });
  return m;
}

export function norm(p: Params): number {
  let s = 0;
  for (const l of p.layers) for (const arr of [l.weights, l.bias]) for (const v of arr) s += v * v;
  return Math.sqrt(s);
}

export { zerosLike };

/** Least-squares slope of log10(ys) against log10(xs). */
export function logLogSlope(xs: number[], ys: number[]): number {
  return logLogFit(xs, ys).slope;
}

/** Net specs used across the rule tests (smooth activations unless a test says otherwise). */
export const NETS = {
  softmax3: {
    input: [5],
    layers: [
      { type: 'dense', units: 7, activation: 'tanh' },
      { type: 'dense', units: 6, activation: 'logistic' },
      { type: 'dense', units: 3, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  },
  mse2: {
    input: [5],
    layers: [
      { type: 'dense', units: 7, activation: 'softplus' },
      { type: 'dense', units: 4, activation: { name: 'tanh', a: 1.7159, b: 0.6667 } },
    ],
    loss: 'mse',
  },
  conv: {
    input: [2, 6, 6],
    layers: [
      { type: 'conv', filters: 3, kernel: 3, stride: 2, padding: 1, activation: 'tanh' },
      { type: 'conv', filters: 2, kernel: 2, stride: 1, padding: 0, activation: 'softplus' },
      { type: 'dense', units: 4, activation: 'logistic' },
    ],
    loss: 'mse',
  },
} as const;

/** conv → pool → conv → pool → dense; max pools 2 apart, or overlapping average pools (stride 1). */
function poolNet(mode: 'max' | 'average', loss: 'mse' | 'softmax-cross-entropy') {
  return {
    input: [2, 9, 8],
    layers: [
      { type: 'conv', filters: 3, kernel: 2, activation: 'tanh' },
      { type: 'pool', mode, size: 2, stride: mode === 'max' ? 2 : 1 },
      { type: 'conv', filters: 2, kernel: 2, activation: 'softplus' },
      { type: 'pool', mode, size: 2 },
      { type: 'dense', units: 3, activation: loss === 'mse' ? 'logistic' : 'identity' },
    ],
    loss,
  } as const;
}

/** Nets with pool layers (smooth activations: max pooling is smooth away from ties). */
export const POOL_NETS = {
  maxPool: poolNet('max', 'softmax-cross-entropy'),
  averagePool: poolNet('average', 'mse'),
} as const;
