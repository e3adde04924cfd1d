/**
 * The benchmark compares like with like: every contender, given the same initial weights and the
 * same patterns, computes the same loss before training and on its first step; the tfjs
 * contenders, which take the same SGD step (batch mean, η), still agree after several steps (to
 * float32 precision), on a dense net (their hand-written step) and on a conv net (their custom conv
 * gradient); and the loss check tells a contender that trains from one that diverges. Tiny nets keep
 * this fast; the bench runs the same code on 784-H-10 and LeNet.
 */
import { describe, expect, it } from 'vitest';
import type { BenchSetup, Contender } from '../../bench/contender.ts';
import { agentsContender, matrixContender } from '../../bench/localprop-contenders.ts';
import { checkFailure, checkLoss } from '../../bench/loss-check.ts';
import { synapticContenderWith } from '../../bench/synaptic-contender.ts';
import { tfjsCpuContender, tfjsWasmContender } from '../../bench/tfjs-contenders.ts';
import { convSpec, denseSpec, tinySetup } from './tiny-nets.ts';

/** Mean E over the data before training, then the mean E of each of the first `steps` batches. */
async function losses(contender: Contender, setup: BenchSetup, B: number, steps: number): Promise<number[]> {
  const trainer = await contender.create(setup, B);
  await trainer.activate?.();
  const n = setup.data.inputs.length;
  const out = [trainer.evaluate(0, n) / n, ...Array.from({ length: steps }, (_, k) => trainer.run(k * B, B) / B)];
  trainer.dispose?.();
  return out;
}

describe('bench contenders train the same net on the same data', () => {
  for (const [name, spec, B] of [
    ['dense', denseSpec, 1],
    ['dense', denseSpec, 8],
    ['conv', convSpec, 4],
  ] as const) {
    it(`tfjs cpu and wasm follow the matrix engine step by step (${name}, batch ${B})`, async () => {
      const setup = tinySetup(spec, `bench contenders ${name}`);
      const reference = await losses(matrixContender, setup, B, 6);
      for (const contender of [tfjsCpuContender, tfjsWasmContender]) {
        const got = await losses(contender, setup, B, 6);
        got.forEach((E, k) => {
          expect(Math.abs(E - reference[k]!), `${contender.id} step ${k}`).toBeLessThan(
            1e-5 * Math.max(1, reference[k]!),
          );
        });
      }
      expect(reference[6]).not.toBe(reference[1]); // the steps did change the weights
      // Negative control: another η takes other steps, and the comparison sees it.
      const other = await losses(tfjsWasmContender, { ...setup, η: setup.η * 2 }, B, 6);
      expect(Math.abs(other[6]! - reference[6]!)).toBeGreaterThan(1e-4);
    });
  }

  it('the agents engine evaluates and trains like the matrix engine', async () => {
    const setup = tinySetup(denseSpec, 'bench contenders agents');
    const reference = await losses(matrixContender, setup, 8, 4);
    const got = await losses(agentsContender, setup, 8, 4);
    got.forEach((E, k) => {
      expect(Math.abs(E - reference[k]!)).toBeLessThan(1e-12);
    });
  });

  it("synaptic, given our weights, computes its logistic cross-entropy of the same net's z", async () => {
    const setup = tinySetup(denseSpec, 'bench contenders synaptic');
    const [W1, W2] = setup.params.layers;
    const x = setup.data.inputs[0]!;
    const t = setup.data.targets[0]!;
    const h = Array.from({ length: 8 }, (_, j) =>
      Math.max(0, W1!.bias[j]! + x.reduce((s, xi, i) => s + W1!.weights[j * 12 + i]! * xi, 0)),
    );
    const z = Array.from(
      { length: 3 },
      (_, j) => W2!.bias[j]! + h.reduce((s, hi, i) => s + W2!.weights[j * 8 + i]! * hi, 0),
    );
    const y = z.map((zj) => 1 / (1 + Math.exp(-zj)));
    const expected = -y.reduce((s, yj, j) => s + t[j]! * Math.log(yj) + (1 - t[j]!) * Math.log(1 - yj), 0);
    const trainer = await synapticContenderWith('logistic').create(setup, 1);
    expect(Math.abs(trainer.run(0, 1) - expected)).toBeLessThan(1e-12);
  });
});

describe('the loss check', () => {
  it('passes contenders that train, and fails synaptic with identity outputs, whose loss diverges', async () => {
    const setup = tinySetup(denseSpec, 'bench loss check', 0.1, 64);
    for (const contender of [matrixContender, tfjsWasmContender, synapticContenderWith('logistic')]) {
      const check = checkLoss(await contender.create(setup, 1), 1, 64);
      expect(check.passed, `${contender.id}: ${check.reason}`).toBe(true);
      expect(check.lossAfter).toBeLessThan(check.lossBefore);
    }
    // Squared error on identity outputs at a step too large for it: the loss grows without bound.
    const diverging = checkLoss(await synapticContenderWith('identity').create({ ...setup, η: 3 }, 1), 1, 64);
    expect(diverging.passed).toBe(false);
    expect(diverging.reason).toMatch(/not finite|did not fall/);
  });

  it('names what failed: a non-finite loss, or one that did not fall', () => {
    expect(checkFailure(2, 1, 2)).toBeNull();
    expect(checkFailure(2, NaN, 2)).toMatch(/not finite/);
    expect(checkFailure(2, 2, 2)).toMatch(/did not fall/);
    expect(checkFailure(2, 3, 2)).toMatch(/did not fall/);
  });
});
