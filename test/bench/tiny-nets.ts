/** Tiny nets and seeded data for the bench's tests: a dense net and a conv net (padding, two channels, max pooling). */
import { createRandom } from '../../src/core/random.ts';
import { initParams } from '../../src/nn/params.ts';
import { parseNetSpec, type NetSpec } from '../../src/nn/spec.ts';
import type { BenchSetup } from '../../bench/contender.ts';

export function tinySetup(spec: NetSpec, seed: string, η = 0.1, n = 64): BenchSetup {
  const random = createRandom(seed);
  const size = spec.input.reduce((a, b) => a * b, 1);
  const classes = 3;
  return {
    spec,
    params: initParams(spec, random.derive('init')),
    data: {
      source: 'seeded random',
      inputs: Array.from({ length: n }, () => Float64Array.from({ length: size }, () => random.uniform())),
      targets: Array.from({ length: n }, () => {
        const t = new Float64Array(classes);
        t[random.int(classes)] = 1;
        return t;
      }),
    },
    η,
  };
}

export const denseSpec = parseNetSpec({
  input: [12],
  layers: [
    { type: 'dense', units: 8, activation: 'relu' },
    { type: 'dense', units: 3, activation: 'identity' },
  ],
  loss: 'softmax-cross-entropy',
});

export const convSpec = parseNetSpec({
  input: [2, 8, 8],
  layers: [
    { type: 'conv', filters: 3, kernel: 3, padding: 1, activation: 'relu' },
    { type: 'pool', mode: 'max', size: 2 },
    { type: 'conv', filters: 4, kernel: 3, activation: 'relu' },
    { type: 'dense', units: 3, activation: 'identity' },
  ],
  loss: 'softmax-cross-entropy',
});
