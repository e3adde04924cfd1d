/**
 * The textbook (src/nn/textbook.ts) is right, and the Network's fast backward equals it number
 * for number. The engines' steps are held to it in test/engines/matrix-engine.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { Network } from '../../src/nn/network.ts';
import { cloneParams, initParams, type Params } from '../../src/nn/params.ts';
import { parseNetSpec, type DenseSpec, type NetSpec } from '../../src/nn/spec.ts';
import { Textbook } from '../../src/nn/textbook.ts';
import { expectSame, expectSameParams, firstParamsDifference } from '../helpers/same-numbers.ts';

const random = createRandom('textbook');

const nets: Record<string, NetSpec> = {
  'relu, tanh, softmax-CE': parseNetSpec({
    input: [11],
    layers: [
      { type: 'dense', units: 9, activation: 'relu' },
      { type: 'dense', units: 6, activation: { name: 'tanh', a: 1.7159, b: 2 / 3 } },
      { type: 'dense', units: 4, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  }),
  'softplus, logistic, mse': parseNetSpec({
    input: [7],
    layers: [
      { type: 'dense', units: 5, activation: 'softplus' },
      { type: 'dense', units: 3, activation: 'logistic' },
    ],
    loss: 'mse',
  }),
  'one layer': parseNetSpec({ input: [3], layers: [{ type: 'dense', units: 2, activation: 'tanh' }], loss: 'mse' }),
};

function data(spec: NetSpec, n: number) {
  const params = initParams(spec, random.derive(`init ${n}`));
  for (const l of params.layers) for (let k = 0; k < l.bias.length; k++) l.bias[k] = 0.1 * random.normal();
  const size = spec.input[0]!;
  const out = (spec.layers.at(-1) as DenseSpec).units;
  const input = () => Float64Array.from({ length: size }, () => (random.uniform() < 0.3 ? 0 : random.normal()));
  const inputs = Array.from({ length: n }, input);
  const targets = Array.from({ length: n }, () => {
    const t = new Float64Array(out);
    t[random.int(out)] = 1;
    return t;
  });
  return { params, inputs, targets };
}

describe('the textbook network', () => {
  it.each(Object.keys(nets))('its gradient is the derivative of E (central differences, %s)', (name) => {
    const spec = nets[name]!;
    const { params, inputs, targets } = data(spec, 1);
    const textbook = new Textbook(spec, params);
    textbook.learn(inputs[0]!, targets[0]!);
    const E = (p: Params): number => {
      const t = new Textbook(spec, p);
      return t.learn(inputs[0]!, targets[0]!);
    };
    const h = 1e-6;
    let checked = 0;
    params.layers.forEach((layer, l) => {
      for (const which of ['weights', 'bias'] as const) {
        for (let k = 0; k < layer[which].length; k++) {
          const up = cloneParams(params),
            down = cloneParams(params);
          up.layers[l]![which][k] += h;
          down.layers[l]![which][k] -= h;
          const numeric = (E(up) - E(down)) / (2 * h);
          const analytic = textbook.gradient.layers[l]![which][k]!;
          const tolerance = 1e-6 * Math.max(1, Math.abs(analytic));
          expect(Math.abs(numeric - analytic), `layer ${l} ${which}[${k}]`).toBeLessThanOrEqual(tolerance);
          checked++;
        }
      }
    });
    expect(checked).toBeGreaterThan(5);
  });

  it('is dense only', () => {
    const layers = [{ type: 'conv', filters: 1, kernel: 3, activation: 'relu' }];
    const conv = parseNetSpec({ input: [1, 4, 4], layers, loss: 'mse' });
    expect(() => new Textbook(conv, initParams(conv, random.derive('conv')))).toThrow(/dense only; layer 0 is conv/);
  });
});

describe('Network equals the textbook, number for number', () => {
  it.each(Object.keys(nets))('forward, loss, prediction, Δz and the summed gradient (%s)', (name) => {
    const spec = nets[name]!;
    const { params, inputs, targets } = data(spec, 20);
    const net = new Network(spec, cloneParams(params));
    const textbook = new Textbook(spec, params);
    inputs.forEach((x, p) => {
      expectSame(net.forward(x), textbook.forward(x), `y of pattern ${p}`);
      const E = textbook.learn(x, targets[p]!);
      expect(net.gradient([x], [targets[p]!]).loss).toBe(E);
      expectSame(net.prediction, textbook.prediction);
      net.layers.forEach((_, l) => {
        expectSame(net.Δz[l]!, textbook.Δz[l + 1]!, `Δz of layer ${l + 1}, pattern ${p}`);
      });
    });
    const sum = net.gradient(inputs, targets);
    expectSameParams(sum.gradients, textbook.gradient);
  });

  it('negative control: a gradient one ulp off in one bias is told apart', () => {
    const spec = nets['relu, tanh, softmax-CE']!;
    const { params, inputs, targets } = data(spec, 3);
    const textbook = new Textbook(spec, params);
    inputs.forEach((x, p) => {
      textbook.learn(x, targets[p]!);
    });
    const { gradients } = new Network(spec, cloneParams(params)).gradient(inputs, targets);
    expect(firstParamsDifference(gradients, textbook.gradient)).toBeNull();
    const b = gradients.layers[2]!.bias;
    b[1] = b[1]! * (1 + Number.EPSILON);
    expect(firstParamsDifference(gradients, textbook.gradient)).toMatch(/^layer 2 bias\[1\] /);
  });
});
