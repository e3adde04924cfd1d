import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import {
  checkCoordinates,
  checkDirections,
  checkGradient,
  checkNetwork,
  randomPatterns,
  relativeError,
  type WorstCoordinate,
  type WorstDirection,
} from '../../src/gradcheck/index.ts';
import { Network } from '../../src/nn/network.ts';
import { cloneParams, initParams, type Params } from '../../src/nn/params.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';

describe('relativeError', () => {
  it('is |a − n| / max(|a|, |n|, floor): relative for large values, absolute over the floor for tiny ones', () => {
    expect(relativeError(2, 1, 1e-6)).toBe(0.5);
    expect(relativeError(-1e-3, -1.001e-3, 1e-6)).toBeCloseTo(1e-3 / 1.001, 12);
    expect(relativeError(0, 1e-13, 1e-6)).toBeCloseTo(1e-7, 20);
    expect(relativeError(0, 1e-13, 0)).toBe(1);
    expect(relativeError(0, 0, 1e-6)).toBe(0);
    expect(relativeError(NaN, 1, 1e-6)).toBeNaN();
  });
});

// A function with a known gradient: E(w) = Σ_k c_k·sin(w_k) + (Σ_k w_k)², over two "layers".
const c = [0.5, -2, 3, 1e-3, 7];
function makeParams(): Params {
  return {
    layers: [
      { weights: Float64Array.from([0.3, -1.1, 2.0]), bias: Float64Array.from([0.7]) },
      { weights: Float64Array.from([-0.4]), bias: Float64Array.from([]) },
    ],
  };
}
const flat = (p: Params): number[] => p.layers.flatMap((l) => [...l.weights, ...l.bias]);
const lossAt = (p: Params): number => {
  const w = flat(p);
  const s = w.reduce((a, b) => a + b, 0);
  return w.reduce((E, wk, k) => E + c[k]! * Math.sin(wk), 0) + s * s;
};
function exactGradient(p: Params): Params {
  const s = flat(p).reduce((a, b) => a + b, 0);
  let k = 0;
  const d = (wk: number) => c[k++]! * Math.cos(wk) + 2 * s;
  return { layers: p.layers.map((l) => ({ weights: l.weights.map(d), bias: l.bias.map(d) })) };
}

describe('checkCoordinates / checkDirections on a function with a known gradient', () => {
  it('pass on the exact gradient, in both numeric modes, and restore the params exactly', () => {
    const params = makeParams();
    const before = flat(params);
    for (const richardson of [true, false]) {
      const r = checkCoordinates(lossAt, params, exactGradient(params), { richardson });
      expect(r.passed).toBe(true);
      expect(r.checked).toBe(5);
      expect(r.richardson).toBe(richardson);
      expect(flat(params)).toEqual(before);
      const d = checkDirections(lossAt, params, exactGradient(params), {
        richardson,
        directions: 4,
        random: createRandom(1),
      });
      expect(d.passed).toBe(true);
      expect(d.checked).toBe(8);
      expect(d.parameters).toBe(5);
      expect(flat(params)).toEqual(before);
    }
  });

  it('Richardson extrapolation is more accurate than the plain central difference at its own default step', () => {
    const params = makeParams();
    const g = exactGradient(params);
    const plain = checkCoordinates(lossAt, params, g, { richardson: false, floor: 0 });
    const extrapolated = checkCoordinates(lossAt, params, g, { richardson: true, floor: 0 });
    expect(extrapolated.worstRelativeError).toBeLessThan(plain.worstRelativeError / 10);
  });

  it('finds a wrong entry and names it: layer, weights|bias, index, analytic and numeric', () => {
    const params = makeParams();
    const g = exactGradient(params);
    const right = g.layers[0]!.bias[0]!;
    g.layers[0]!.bias[0] = right * (1 + 1e-5);
    const r = checkGradient(lossAt, params, g);
    expect(r.passed).toBe(false);
    expect(r.mode).toBe('coordinates');
    const worst = r.worst as WorstCoordinate;
    expect([worst.layer, worst.which, worst.index]).toEqual([0, 'bias', 0]);
    expect(worst.analytic).toBe(g.layers[0]!.bias[0]);
    expect(Math.abs(worst.numeric - right)).toBeLessThan(1e-9 * Math.abs(right));
    expect(r.worstRelativeError).toBeCloseTo(1e-5, 7);
  });

  it('the direction mode names the layer whose gradient is wrong', () => {
    const params = makeParams();
    const g = exactGradient(params);
    g.layers[1]!.weights[0] = g.layers[1]!.weights[0]! + 1e-3;
    const r = checkGradient(lossAt, params, g, { directions: 3, random: createRandom('d') });
    expect(r.mode).toBe('directions');
    expect(r.passed).toBe(false);
    expect((r.worst as WorstDirection).layer).toBe(1);
  });

  it('a NaN anywhere fails the check with an infinite worst error', () => {
    const params = makeParams();
    const g = exactGradient(params);
    g.layers[0]!.weights[1] = NaN;
    const r = checkCoordinates(lossAt, params, g);
    expect(r.passed).toBe(false);
    expect(r.worstRelativeError).toBe(Infinity);
    expect((r.worst as WorstCoordinate).index).toBe(1);
  });
});

describe('checkNetwork', () => {
  const spec = parseNetSpec({
    input: [64],
    layers: [
      { type: 'dense', units: 32, activation: { name: 'tanh', a: 1.7159, b: 0.6667 } },
      { type: 'dense', units: 10, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  });
  const params = initParams(spec, createRandom('digits net'));
  const data = randomPatterns(spec, 4, createRandom('digits patterns'));

  it('the random-direction mode passes on the 64-32-10 net, covering every parameter of each layer', () => {
    const r = checkNetwork(spec, params, data, { directions: 5, random: createRandom(3) });
    expect(r.passed).toBe(true);
    expect(r.checked).toBe(10);
    expect(r.parameters).toBe(64 * 32 + 32 + 32 * 10 + 10);
  });

  it('catches a wrong back-prop: a network whose hidden g′ is off by 1e-4 relative fails, naming layer 0', () => {
    // The same net, but the analytic gradient comes from a network whose hidden derivative is scaled by (1 + 1e-4).
    const net = new Network(spec, cloneParams(params));
    const hidden = net.layers[0]!;
    const dg = hidden.activation.dg.bind(hidden.activation);
    (hidden as { activation: unknown }).activation = {
      ...hidden.activation,
      dg: (z: number, y: number) => dg(z, y) * (1 + 1e-4),
    };
    const { gradients } = net.gradient(data.inputs, data.targets);
    const honest = new Network(spec, cloneParams(params));
    const lossAt = (): number => data.inputs.reduce((E, x, p) => E + honest.evaluate(x, data.targets[p]!), 0);
    const r = checkGradient(lossAt, honest.params, gradients);
    expect(r.passed).toBe(false);
    expect((r.worst as WorstCoordinate).layer).toBe(0);
    expect(r.worstRelativeError).toBeGreaterThan(5e-5);
    // The direction mode finds it too, in layer 0: the output layer's gradient does not involve the hidden g′.
    const byDirections = checkGradient(lossAt, honest.params, gradients, { directions: 5 });
    expect(byDirections.passed).toBe(false);
    expect((byDirections.worst as WorstDirection).layer).toBe(0);
  });

  it('leaves the given params untouched', () => {
    const before = params.layers.map((l) => Array.from(l.weights));
    checkNetwork(spec, params, data, { directions: 2 });
    expect(params.layers.map((l) => Array.from(l.weights))).toEqual(before);
  });
});
