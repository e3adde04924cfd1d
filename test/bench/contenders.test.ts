/**
 * The benchmark compares like with like: every contender, given the same initial weights and the
 * same patterns, computes the same loss on its first step; and the tfjs contenders, which take
 * the same SGD step (batch mean, η), still agree after several steps (to float32 precision).
 * A tiny net keeps this fast; the bench runs the same code on 784-128-10.
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { initParams } from '../../src/nn/params.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';
import type { BenchSetup, Contender } from '../../bench/contender.ts';
import { matrixContender } from '../../bench/localprop-contenders.ts';
import { synapticContender } from '../../bench/synaptic-contender.ts';
import { tfjsCpuContender, tfjsWasmContender } from '../../bench/tfjs-contenders.ts';

const spec = parseNetSpec({
  input: [12],
  layers: [
    { type: 'dense', units: 8, activation: 'relu' },
    { type: 'dense', units: 3, activation: 'identity' },
  ],
  loss: 'softmax-cross-entropy',
});
const random = createRandom('bench contenders');
const n = 64;
const setup: BenchSetup = {
  spec,
  params: initParams(spec, random.derive('init')),
  data: {
    source: 'seeded random',
    inputs: Array.from({ length: n }, () => Float64Array.from({ length: 12 }, () => random.uniform())),
    targets: Array.from({ length: n }, () => {
      const t = new Float64Array(3);
      t[random.int(3)] = 1;
      return t;
    }),
  },
  η: 0.1,
};

/** Mean E of each of the first `steps` batches. */
async function losses(contender: Contender, B: number, steps: number): Promise<number[]> {
  const trainer = await contender.create(setup, B);
  await trainer.activate?.();
  const out = Array.from({ length: steps }, (_, k) => trainer.run(k * B, B) / B);
  trainer.dispose?.();
  return out;
}

describe('bench contenders train the same net on the same data', () => {
  for (const B of [1, 8]) {
    it(`tfjs cpu and wasm follow the matrix engine step by step (batch ${B})`, async () => {
      const reference = await losses(matrixContender, B, 6);
      for (const contender of [tfjsCpuContender, tfjsWasmContender]) {
        const got = await losses(contender, B, 6);
        got.forEach((E, k) => {
          expect(Math.abs(E - reference[k]!), `${contender.id} step ${k}`).toBeLessThan(
            1e-5 * Math.max(1, reference[k]!),
          );
        });
      }
      expect(reference[5]).not.toBe(reference[0]); // the steps did change the weights
    });
  }

  it('synaptic, given our weights, computes the same first-pattern loss \
(its later steps follow squared error)', async () => {
    const [reference] = await losses(matrixContender, 1, 1);
    const [got] = await losses(synapticContender, 1, 1);
    expect(Math.abs(got! - reference!)).toBeLessThan(1e-12);
  });
});
