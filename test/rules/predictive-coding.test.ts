import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { createRandom } from '../../src/core/random.ts';
import { createEngine } from '../../src/engines/index.ts';
import { Network } from '../../src/nn/network.ts';
import { PredictiveCoding, relativeError } from '../../src/rules/index.ts';
import { checkGradient } from '../../src/gradcheck/index.ts';
import { cloneParams } from '../../src/nn/params.ts';
import { backpropGradient, fixture, maxParamDiff, NETS, POOL_NETS, zerosLike, type Fixture } from './helpers.ts';

/** PC's update summed over the fixture's patterns, T plain steps at rate γ. */
function pcUpdate(f: Fixture, T: number, γ: number) {
  const net = new Network(f.spec, f.params);
  const rule = new PredictiveCoding(net, { T, γ, zil: false });
  const u = zerosLike(f.params);
  f.inputs.forEach((x, p) => {
    rule.accumulate(net, x, f.targets[p]!, u);
  });
  return u;
}

const ZIL_NETS = {
  ...NETS,
  ...POOL_NETS,
  /** LeNet's pattern in small: conv, relu, max pool, twice, then dense (relu ties: max pool's tie rule at work). */
  reluMaxPool: {
    input: [1, 10, 10],
    layers: [
      { type: 'conv', filters: 3, kernel: 3, activation: 'relu' },
      { type: 'pool', mode: 'max', size: 2 },
      { type: 'conv', filters: 4, kernel: 2, activation: 'relu' },
      { type: 'pool', mode: 'max', size: 2 },
      { type: 'dense', units: 5, activation: 'relu' },
      { type: 'dense', units: 3, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  },
  relu4: {
    input: [6],
    layers: [
      { type: 'dense', units: 8, activation: 'relu' },
      { type: 'dense', units: 7, activation: 'tanh' },
      { type: 'dense', units: 6, activation: 'relu' },
      { type: 'dense', units: 3, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  },
};

describe('predictive coding with the Z-IL schedule equals back-prop', () => {
  for (const [name, net] of Object.entries(ZIL_NETS)) {
    it(`${name}: same weights as back-prop to ≤ 1e-12 after every one of 6 minibatch steps`, () => {
      const f = fixture(net, 7, 12);
      const pc = createEngine('matrix', f.spec, f.params, { rule: 'predictive-coding', zil: true });
      const bp = createEngine('matrix', f.spec, f.params, { rule: 'backprop' });
      const order = createRandom('zil-order').shuffle(f.inputs.map((_, p) => p));
      for (let step = 0; step < 6; step++) {
        const batch = order.slice((step % 4) * 3, (step % 4) * 3 + 3);
        // Compare the update itself first, at the same weights.
        const u = pc.gradient(
          batch.map((p) => f.inputs[p]!),
          batch.map((p) => f.targets[p]!),
        );
        const g = bp.gradient(
          batch.map((p) => f.inputs[p]!),
          batch.map((p) => f.targets[p]!),
        );
        expect(maxParamDiff(u.gradients, g.gradients)).toBeLessThanOrEqual(1e-12);
        // Weights equal to rounding give losses equal to rounding.
        expect(Math.abs(u.loss - g.loss)).toBeLessThanOrEqual(1e-12 * Math.max(1, g.loss));
        for (const p of batch) {
          const E = bp.learn(f.inputs[p]!, f.targets[p]!);
          expect(Math.abs(pc.learn(f.inputs[p]!, f.targets[p]!) - E)).toBeLessThanOrEqual(1e-12 * Math.max(1, E));
        }
        pc.step(0.5);
        bp.step(0.5);
        expect(maxParamDiff(pc.snapshot(), bp.snapshot())).toBeLessThanOrEqual(1e-12);
      }
      // The weights did move: the comparison is not between two unchanged copies.
      expect(maxParamDiff(bp.snapshot(), f.params)).toBeGreaterThan(1e-3);
    });
  }
});

describe('predictive coding with Z-IL through pool layers passes the gradient check', () => {
  for (const [name, net] of Object.entries(POOL_NETS)) {
    it(`${name}: Z-IL's update against E's central differences; plain inference (T = 3) fails the same check`, () => {
      const f = fixture(net, 13);
      const probe = new Network(f.spec, cloneParams(f.params));
      const lossAt = (): number => f.inputs.reduce((E, x, p) => E + probe.evaluate(x, f.targets[p]!), 0);
      const update = (o: object) =>
        createEngine('matrix', f.spec, f.params, { rule: 'predictive-coding', ...o }).gradient(f.inputs, f.targets);
      const zil = checkGradient(lossAt, probe.params, update({ zil: true }).gradients);
      expect(zil.worstRelativeError, JSON.stringify(zil.worst)).toBeLessThanOrEqual(1e-6);
      // Negative control: three plain steps leave the first conv layer short of its error.
      expect(checkGradient(lossAt, probe.params, update({ steps: 3, gamma: 0.1 }).gradients).passed).toBe(false);
    });
  }
});

describe('predictive coding, plain schedule (T steps at rate γ, then every layer updates)', () => {
  it('T = 0 (feed-forward values, no inference): the output layer is back-prop exactly, \
hidden layers do not move', () => {
    const f = fixture(NETS.softmax3, 1);
    const u = pcUpdate(f, 0, 0.1);
    const g = backpropGradient(f);
    const L = f.params.layers.length;
    expect(maxParamDiff({ layers: [u.layers[L - 1]!] }, { layers: [g.layers[L - 1]!] })).toBeLessThanOrEqual(1e-15);
    for (let l = 0; l < L - 1; l++) expect(u.layers[l]!.weights.every((v) => v === 0)).toBe(true);
  });

  // "The error" is ‖u_T − ∇E‖ / ‖∇E‖: the relative distance between PC's update after T inference steps at
  // γ = 0.1 and the back-prop gradient, over every weight and bias of the net, summed over 4 patterns.
  // It falls as the error front reaches the hidden layers and v settles to the fixed point of inference.
  // The fixed point is back-prop only approximately (Whittington & Bogacz's regime: a weak output coupling,
  // here mse through a logistic output, g' ≤ 1/4); with a strong coupling the fixed point keeps a bias.
  const weak = {
    dense: {
      input: [6],
      layers: [
        { type: 'dense', units: 8, activation: 'tanh' },
        { type: 'dense', units: 7, activation: 'softplus' },
        { type: 'dense', units: 4, activation: 'logistic' },
      ],
      loss: 'mse',
    },
    conv: NETS.conv,
  };
  for (const [name, net] of Object.entries(weak)) {
    for (const seed of [1, 2, 3]) {
      it(`${name}, seed ${seed}: the error falls for T = 5, 20, 80`, () => {
        const f = fixture(net, seed, 4);
        const g = backpropGradient(f);
        const [e5, e20, e80] = [5, 20, 80].map((T) => relativeError(pcUpdate(f, T, 0.1), g));
        expect(e20).toBeLessThan(e5!);
        expect(e80).toBeLessThan(e20!);
      });
    }
  }

  it('on any net, u_T approaches the inference fixed point monotonically (T = 5, 20, 80 against T = 2000)', () => {
    for (const net of [NETS.softmax3, NETS.mse2]) {
      const f = fixture(net, 5, 4);
      const fixed = pcUpdate(f, 2000, 0.1);
      const [d5, d20, d80] = [5, 20, 80].map((T) => relativeError(pcUpdate(f, T, 0.1), fixed));
      expect(d20).toBeLessThan(d5!);
      expect(d80).toBeLessThan(d20!);
    }
  });
});

describe('predictive-coding options', () => {
  const f = fixture(NETS.softmax3, 1);
  const make = (o: object) => createEngine('matrix', f.spec, f.params, { rule: 'predictive-coding', ...o });
  it('rejects bad values with an InputError naming the flag', () => {
    expect(() => make({ steps: -1 })).toThrow(/--steps/);
    expect(() => make({ steps: 2.5 })).toThrow(InputError);
    expect(() => make({ gamma: 0 })).toThrow(/--gamma/);
    expect(() => make({ gamma: Number.NaN })).toThrow(InputError);
    expect(() => make({ zil: true, gamma: 0.5 })).toThrow(/--zil/);
    expect(() => make({ zil: true, steps: 1 })).toThrow(/--zil needs 2/);
  });
  it('accepts Z-IL with γ = 1 and enough steps', () => {
    expect(() => make({ zil: true, gamma: 1, steps: 5 })).not.toThrow();
  });
});
