import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { maxAbsDiff } from '../../src/core/tensor.ts';
import { MatrixEngine } from '../../src/engines/matrix-engine.ts';
import { Network, sgdStep } from '../../src/nn/network.ts';
import { cloneParams, initParams, zerosLike, type Params } from '../../src/nn/params.ts';
import { train } from '../../src/nn/sgd.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';
import { backprop } from '../../src/rules/backprop.ts';

const spec = parseNetSpec({
  input: [1, 5, 4],
  layers: [
    { type: 'conv', filters: 2, kernel: 3, stride: 2, padding: 1, activation: 'softplus' },
    { type: 'dense', units: 6, activation: { name: 'tanh', a: 1.7159, b: 2 / 3 } },
    { type: 'dense', units: 3, activation: 'identity' },
  ],
  loss: 'softmax-cross-entropy',
});

const random = createRandom('network tests');
const start = initParams(spec, random.derive('init'));
for (const l of start.layers) for (let k = 0; k < l.bias.length; k++) l.bias[k] = 0.1 * random.normal();
const inputs = Array.from({ length: 5 }, () => Float64Array.from({ length: 20 }, () => random.normal()));
const targets = [0, 2, 1, 1, 0].map((c) => Float64Array.from({ length: 3 }, (_, j) => (j === c ? 1 : 0)));
const η = 0.05;

/** ∂E_p/∂w for one pattern at `params`. */
function gradientOf(params: Params, p: number): Params {
  const g = zerosLike(params);
  new Network(spec, cloneParams(params)).backprop(inputs[p]!, targets[p]!, g);
  return g;
}

/** w − η · (1/B) Σ_p g_p, computed here from per-pattern gradients. */
function expectedStep(params: Params, patterns: number[]): Params {
  const grads = patterns.map((p) => gradientOf(params, p));
  const out = cloneParams(params);
  out.layers.forEach((layer, l) => {
    for (const which of ['weights', 'bias'] as const) {
      const w = layer[which];
      for (let k = 0; k < w.length; k++) {
        const mean = grads.reduce((s, g) => s + g.layers[l]![which][k]!, 0) / patterns.length;
        w[k] = w[k]! - η * mean;
      }
    }
  });
  return out;
}

function expectParamsClose(a: Params, b: Params, tolerance: number): void {
  a.layers.forEach((layer, l) => {
    expect(maxAbsDiff(layer.weights, b.layers[l]!.weights)).toBeLessThanOrEqual(tolerance);
    expect(maxAbsDiff(layer.bias, b.layers[l]!.bias)).toBeLessThanOrEqual(tolerance);
  });
}

describe('the SGD step convention: minibatch of B → w ← w − η·(1/B)·Σ ∂E_p/∂w', () => {
  it('a B = 3 step of the matrix engine equals w − η·(mean of the three per-pattern gradients)', () => {
    const engine = new MatrixEngine(spec, start, () => backprop);
    for (const p of [0, 1, 2]) engine.learn(inputs[p]!, targets[p]!);
    engine.step(η);
    const expected = expectedStep(start, [0, 1, 2]);
    expectParamsClose(engine.snapshot(), expected, 1e-15);
    // The convention is the mean: a step with the sum Σ (B times as long) lands far from it.
    const sumStep = cloneParams(start);
    const sum = zerosLike(start);
    for (const p of [0, 1, 2]) new Network(spec, cloneParams(start)).backprop(inputs[p]!, targets[p]!, sum);
    sgdStep(sumStep, sum, η, 1);
    expect(maxAbsDiff(engine.snapshot().layers[1]!.weights, sumStep.layers[1]!.weights)).toBeGreaterThan(1e-4);
  });

  it('sgdStep divides the summed gradient by B', () => {
    const sum = zerosLike(start);
    const net = new Network(spec, cloneParams(start));
    for (const p of [0, 1, 2]) net.backprop(inputs[p]!, targets[p]!, sum);
    sgdStep(net.params, sum, η, 3);
    expectParamsClose(net.params, expectedStep(start, [0, 1, 2]), 1e-15);
  });

  it('train() with --batch 3 over 5 patterns takes a step of 3 and then a short step of 2, each with its own B', () => {
    const engine = new MatrixEngine(spec, start, () => backprop);
    train(engine, { inputs, targets }, null, { epochs: 1, η, batch: 3, shuffle: null, classify: true });
    const afterFirst = expectedStep(start, [0, 1, 2]);
    const afterSecond = expectedStep(afterFirst, [3, 4]);
    expectParamsClose(engine.snapshot(), afterSecond, 1e-14);
  });

  it("B = 1 is the essay's δw_ij = −η x_i Δz_j, and δb_j = −η Δz_j", () => {
    const net = new Network(spec, cloneParams(start));
    const sum = zerosLike(start);
    net.backprop(inputs[3]!, targets[3]!, sum);
    // Layer 2 (the output): x is layer 1's y, Δz = p − t.
    const x = Float64Array.from(net.layerInput(2));
    const Δz = Float64Array.from(net.Δz[2]!);
    expect(
      maxAbsDiff(
        Δz,
        Float64Array.from(net.prediction, (p, j) => p - targets[3]![j]!),
      ),
    ).toBeLessThanOrEqual(1e-16);
    sgdStep(net.params, sum, η, 1);
    const fanIn = x.length;
    for (let j = 0; j < Δz.length; j++) {
      expect(net.params.layers[2]!.bias[j]! - start.layers[2]!.bias[j]!).toBeCloseTo(-η * Δz[j]!, 15);
      for (let i = 0; i < fanIn; i++) {
        expect(net.params.layers[2]!.weights[j * fanIn + i]! - start.layers[2]!.weights[j * fanIn + i]!).toBeCloseTo(
          -η * x[i]! * Δz[j]!,
          15,
        );
      }
    }
  });
});

describe('Network', () => {
  it('pushes the error back as Δy⁽ˡ⁻¹⁾ = W⁽ˡ⁾ᵀ Δz⁽ˡ⁾, with Δz = g′(z) ⊙ Δy', () => {
    const net = new Network(spec, cloneParams(start));
    net.backprop(inputs[1]!, targets[1]!, zerosLike(start));
    const W = start.layers[2]!.weights;
    const n = 6;
    const Δz2 = net.Δz[2]!;
    const expected = Float64Array.from({ length: n }, (_, i) => Δz2.reduce((s, d, j) => s + W[j * n + i]! * d, 0));
    expect(maxAbsDiff(net.Δy[1]!, expected)).toBeLessThanOrEqual(1e-15);
    const hidden = net.layers[1]!;
    for (let i = 0; i < n; i++)
      expect(net.Δz[1]![i]).toBe(hidden.activation.dg(hidden.z[i]!, hidden.y[i]!) * net.Δy[1]![i]!);
  });

  it('gradient() sums ∂E_p/∂w and E_p over the patterns, and leaves the weights alone', () => {
    const net = new Network(spec, cloneParams(start));
    const { loss, gradients, outputs } = net.gradient(inputs, targets);
    expect(outputs).toHaveLength(inputs.length);
    let E = 0;
    const sum = zerosLike(start);
    inputs.forEach((_, p) => {
      const g = gradientOf(start, p);
      sum.layers.forEach((layer, l) => {
        for (let k = 0; k < layer.weights.length; k++) layer.weights[k] += g.layers[l]!.weights[k]!;
      });
      E += new Network(spec, cloneParams(start)).evaluate(inputs[p]!, targets[p]!);
    });
    expect(loss).toBeCloseTo(E, 12);
    sum.layers.forEach((layer, l) => {
      expect(maxAbsDiff(layer.weights, gradients.layers[l]!.weights)).toBeLessThanOrEqual(1e-14);
    });
    expectParamsClose(net.params, start, 0);
  });
});
