import { describe, expect, it } from 'vitest';
import { DivergenceError } from '../../src/core/errors.ts';
import { createRandom } from '../../src/core/random.ts';
import { loadIris } from '../../src/data/datasets.ts';
import { createEngine } from '../../src/engines/index.ts';
import { Network } from '../../src/nn/network.ts';
import { initParams } from '../../src/nn/params.ts';
import { train } from '../../src/nn/sgd.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';

const spec = parseNetSpec({
  input: [4],
  layers: [
    { type: 'dense', units: 8, activation: 'relu' },
    { type: 'dense', units: 8, activation: 'relu' },
    { type: 'dense', units: 3 },
  ],
  loss: 'mse',
});
const data = loadIris();
const params = initParams(spec, createRandom('div').derive('init'));
const allFinite = (a: ArrayLike<number>) => Array.from(a).every(Number.isFinite);

function diverge(η: number) {
  const engine = createEngine('matrix', spec, params, { rule: 'backprop' });
  try {
    train(engine, data, null, {
      epochs: 5,
      η,
      batch: 1,
      shuffle: createRandom('div').derive('shuffle'),
      classify: false,
      spec,
    });
  } catch (e) {
    expect(e).toBeInstanceOf(DivergenceError);
    return { engine, message: (e as Error).message };
  }
  throw new Error(`η = ${η} did not diverge`);
}

/** The first pattern whose E is not finite, by a plain loop in the same order: where training must stop. */
function firstNonFinite(η: number): { epoch: number; k: number; p: number } {
  const engine = createEngine('matrix', spec, params, { rule: 'backprop' });
  const shuffle = createRandom('div').derive('shuffle');
  const order = data.inputs.map((_, p) => p);
  for (let epoch = 1; epoch <= 5; epoch++) {
    shuffle.shuffle(order);
    for (let k = 0; k < order.length; k++) {
      if (!Number.isFinite(engine.learn(data.inputs[order[k]!]!, data.targets[order[k]!]!)))
        return { epoch, k, p: order[k]! };
      engine.step(η);
    }
  }
  throw new Error('no non-finite E');
}

describe('divergence', () => {
  for (const η of [1e6, 30, 3]) {
    it(`η = ${η}: stops at the first non-finite E, naming epoch, \
pattern and the first layer that is not finite`, () => {
      const { engine, message } = diverge(η);
      const m = message.match(
        /^training diverged at epoch (\d+), pattern (\d+) of 150 \(training pattern (\d+)\): (.*); try a smaller --lr$/,
      );
      expect(m, message).not.toBeNull();
      const [, epoch, k, p, where] = m!;
      expect({ epoch: Number(epoch), k: Number(k) - 1, p: Number(p) }).toEqual(firstNonFinite(η));
      // What the message names is really where the numbers first stop being finite.
      const snapshot = engine.snapshot();
      const net = new Network(spec, snapshot);
      net.forward(data.inputs[Number(p)]!);
      const named =
        where.match(/^layer (\d+)'s (weights|biases|potentials z|outputs y) became (NaN|Infinity)$/) ??
        where.match(/^the loss became (?:NaN|-?Infinity) on layer (\d+)'s outputs y/);
      expect(named, where).not.toBeNull();
      const l = Number(named![1]);
      const stages = (i: number) => [
        snapshot.layers[i]!.weights,
        snapshot.layers[i]!.bias,
        net.layers[i]!.z,
        net.layers[i]!.y,
      ];
      const kinds = ['weights', 'biases', 'potentials z', 'outputs y'];
      const stage = named![2] ? kinds.indexOf(named![2]) : 4;
      for (let i = 0; i < l; i++) expect(stages(i).every(allFinite)).toBe(true);
      stages(l).forEach((a, s) => {
        if (s <= stage) expect(allFinite(a)).toBe(s < stage);
      });
      if (stage === 4) {
        expect(l).toBe(spec.layers.length - 1);
        expect(Number.isFinite(net.outputError(data.targets[Number(p)]!))).toBe(false);
      }
    });
  }

  it('a moderate η does not trip the check', () => {
    const engine = createEngine('matrix', spec, params, { rule: 'backprop' });
    const reports = train(engine, data, null, {
      epochs: 2,
      η: 0.01,
      batch: 1,
      shuffle: createRandom(1),
      classify: false,
      spec,
    });
    expect(reports.every((r) => Number.isFinite(r.train.loss))).toBe(true);
  });
});
