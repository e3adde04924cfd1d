/**
 * The matrix engine's fast road (back-prop on dense nets: keep the first pattern's x⁽ˡ⁾ and Δz⁽ˡ⁾;
 * at B = 1 step straight into W, else add them to the pending sum) against the pending-sum road
 * and against a plain textbook implementation, number for number, after every step. Equal, not
 * close: all three do the same floating-point operations in the same order.
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { MatrixEngine } from '../../src/engines/matrix-engine.ts';
import { makeActivation } from '../../src/nn/activation.ts';
import { makeLoss } from '../../src/nn/loss.ts';
import { cloneParams, initParams, type Params } from '../../src/nn/params.ts';
import { parseNetSpec, resolveLayers, type NetSpec } from '../../src/nn/spec.ts';
import { backprop } from '../../src/rules/backprop.ts';
import type { MatrixRule } from '../../src/rules/rule.ts';

const spec = parseNetSpec({
  input: [11],
  layers: [
    { type: 'dense', units: 9, activation: 'relu' },
    { type: 'dense', units: 6, activation: { name: 'tanh', a: 1.7159, b: 2 / 3 } },
    { type: 'dense', units: 4, activation: 'identity' },
  ],
  loss: 'softmax-cross-entropy',
});
const random = createRandom('matrix engine roads');
const start = initParams(spec, random.derive('init'));
for (const l of start.layers) for (let k = 0; k < l.bias.length; k++) l.bias[k] = 0.1 * random.normal();
const patterns = 120;
const inputs = Array.from({ length: patterns }, () => Float64Array.from({ length: 11 }, () => (random.uniform() < 0.3 ? 0 : random.normal())));
const targets = Array.from({ length: patterns }, () => {
  const t = new Float64Array(4);
  t[random.int(4)] = 1;
  return t;
});
const η = 0.1;

/** Back-prop that is not the `backprop` object, so the engine takes the pending-sum road. */
const pendingSumRoad: MatrixRule = { name: 'backprop', accumulate: (net, x, t, sum) => net.backprop(x, t, sum) };

/** The plain loops: forward, loss, backward into a zeroed gradient, w −= (η/B)·gradient. */
class Textbook {
  readonly params: Params;
  private readonly layers = resolveLayers(spec).map((l) => ({ m: l.weightShape[0]!, n: l.weightShape[1]!, act: makeActivation(l.activation) }));
  private readonly loss = makeLoss(spec.loss);
  private grad: Params;
  private B = 0;
  readonly prediction = new Float64Array(4);

  constructor(s: NetSpec, params: Params) {
    this.params = cloneParams(params);
    this.grad = initParams(s, createRandom(0));
    this.clear();
  }

  private clear(): void {
    for (const l of this.grad.layers) {
      l.weights.fill(0);
      l.bias.fill(0);
    }
  }

  learn(x: Float64Array, t: Float64Array): number {
    const xs = [x], zs: Float64Array[] = [];
    this.layers.forEach(({ m, n, act }, l) => {
      const { weights: w, bias: b } = this.params.layers[l]!;
      const z = new Float64Array(m);
      for (let j = 0; j < m; j++) {
        let zj = b[j]!;
        for (let i = 0; i < n; i++) zj += w[j * n + i]! * xs[l]![i]!;
        z[j] = zj;
      }
      zs.push(z);
      xs.push(z.map((v) => act.g(v)));
    });
    let Δy = new Float64Array(4);
    const E = this.loss.evaluate(xs[3]!, t, this.prediction, Δy);
    for (let l = 2; l >= 0; l--) {
      const { m, n, act } = this.layers[l]!;
      const Δz = Δy.map((d, j) => act.dg(zs[l]![j]!, xs[l + 1]![j]!) * d);
      const g = this.grad.layers[l]!, w = this.params.layers[l]!.weights;
      for (let j = 0; j < m; j++) {
        g.bias[j] += Δz[j]!;
        for (let i = 0; i < n; i++) g.weights[j * n + i] += xs[l]![i]! * Δz[j]!;
      }
      Δy = new Float64Array(n);
      for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) Δy[i] += w[j * n + i]! * Δz[j]!;
    }
    this.B++;
    return E;
  }

  step(): void {
    const s = η / this.B;
    this.params.layers.forEach((p, l) => {
      const g = this.grad.layers[l]!;
      for (let k = 0; k < p.weights.length; k++) p.weights[k] -= s * g.weights[k]!;
      for (let k = 0; k < p.bias.length; k++) p.bias[k] -= s * g.bias[k]!;
    });
    this.clear();
    this.B = 0;
  }
}

function expectSameParams(a: Params, b: Params, where: string): void {
  a.layers.forEach((layer, l) => {
    for (const which of ['weights', 'bias'] as const) {
      const x = layer[which], y = b.layers[l]![which];
      const k = x.findIndex((v, i) => !(v === y[i] || (Number.isNaN(v) && Number.isNaN(y[i]!))));
      expect(k, `${where}: layer ${l} ${which}[${k}] ${x[k]} vs ${y[k]}`).toBe(-1);
    }
  });
}

describe('matrix engine: the outer-product road equals the pending-sum road and the plain loops', () => {
  const batches = [1, 2, 3, 32];
  it.each(batches)('after every step, batch %i', (B) => {
    const fast = new MatrixEngine(spec, start, () => backprop);
    const general = new MatrixEngine(spec, start, () => pendingSumRoad);
    const textbook = new Textbook(spec, start);
    let steps = 0;
    for (let s = 0; s < patterns && steps < 12; s += B, steps++) {
      for (let p = s; p < Math.min(patterns, s + B); p++) {
        const E = [fast, general, textbook].map((e) => e.learn(inputs[p]!, targets[p]!));
        expect(E[0]).toBe(E[2]);
        expect(E[1]).toBe(E[2]);
        expect([...fast.prediction]).toEqual([...textbook.prediction]);
        if (p === s) fast.evaluate(inputs[(p + 7) % patterns]!, targets[0]!); // a forward pass mid-batch must not disturb the kept pattern
      }
      fast.step(η);
      general.step(η);
      textbook.step();
      expectSameParams(fast.snapshot(), textbook.params, `fast road, step ${steps}`);
      expectSameParams(general.snapshot(), textbook.params, `pending-sum road, step ${steps}`);
    }
    expect(steps).toBeGreaterThan(1);
  });

  it('a NaN input reaches the weights on both roads (a relu that is off still multiplies x_i by 0)', () => {
    for (const rule of [backprop, pendingSumRoad]) {
      const engine = new MatrixEngine(spec, start, () => rule);
      const x = inputs[0]!.slice();
      x[3] = NaN;
      engine.learn(x, targets[0]!);
      engine.step(η);
      expect(engine.nonFiniteLayer()).toBe(0);
    }
  });

  it('step() with nothing learned changes nothing, on both roads', () => {
    for (const rule of [backprop, pendingSumRoad]) {
      const engine = new MatrixEngine(spec, start, () => rule);
      engine.step(η);
      expectSameParams(engine.snapshot(), start, 'empty step');
    }
  });
});
