/**
 * The matrix engine against the textbook (src/nn/textbook.ts), number for number, after every
 * step. Back-prop on a dense net takes the outer-product road (keep the first pattern's x⁽ˡ⁾ and
 * Δz⁽ˡ⁾; at B = 1 step straight into W, else add them to the pending sum); the pending-sum road
 * is the rule's accumulate() followed by sgdStepAndClear. Equal, not close: all of them do the
 * same floating-point operations in the same order. The agents engine is held to the same.
 */
import { describe, expect, it } from 'vitest';
import { AgentsEngine } from '../../src/engines/agents-engine.ts';
import { createRandom } from '../../src/core/random.ts';
import { MatrixEngine } from '../../src/engines/matrix-engine.ts';
import { Network, sgdStepAndClear } from '../../src/nn/network.ts';
import { cloneParams, initParams, zerosLike, type Params } from '../../src/nn/params.ts';
import { parseNetSpec, type NetSpec } from '../../src/nn/spec.ts';
import { Textbook } from '../../src/nn/textbook.ts';
import { backprop } from '../../src/rules/backprop.ts';
import { expectSame, expectSameParams, firstParamsDifference } from '../helpers/same-numbers.ts';

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
const inputs = Array.from({ length: patterns }, () =>
  Float64Array.from({ length: 11 }, () => (random.uniform() < 0.3 ? 0 : random.normal())),
);
const targets = Array.from({ length: patterns }, () => {
  const t = new Float64Array(4);
  t[random.int(4)] = 1;
  return t;
});
const η = 0.1;

interface Learner {
  learn(x: Float64Array, t: Float64Array): number;
  step(η: number): void;
  readonly prediction: Float64Array;
  snapshot(): Params;
}

/** The pending-sum road as the engine runs it for a rule without the outer-product capability. */
class PendingSum implements Learner {
  readonly net: Network;
  private readonly sum: Params;
  private B = 0;
  constructor(s: NetSpec, params: Params) {
    this.net = new Network(s, cloneParams(params));
    this.sum = zerosLike(params);
  }
  get prediction(): Float64Array {
    return this.net.prediction;
  }
  learn(x: Float64Array, t: Float64Array): number {
    this.B++;
    return backprop.accumulate(this.net, x, t, this.sum);
  }
  step(rate: number): void {
    if (this.B > 0) sgdStepAndClear(this.net.params, this.sum, rate, this.B);
    this.B = 0;
  }
  snapshot(): Params {
    return cloneParams(this.net.params);
  }
}

/** Learns `steps` batches of B on every learner and the textbook; returns the textbook. */
function trainSideBySide(learners: Record<string, Learner>, B: number, steps: number): Textbook {
  const textbook = new Textbook(spec, start);
  let s = 0;
  for (let done = 0; done < steps; done++, s += B) {
    for (let p = s; p < s + B; p++) {
      const E = textbook.learn(inputs[p % patterns]!, targets[p % patterns]!);
      for (const [name, learner] of Object.entries(learners)) {
        expect(learner.learn(inputs[p % patterns]!, targets[p % patterns]!), `${name}: E of pattern ${p}`).toBe(E);
        expectSame(learner.prediction, textbook.prediction, `${name}: prediction for pattern ${p}`);
      }
    }
    textbook.step(η);
    for (const [name, learner] of Object.entries(learners)) {
      learner.step(η);
      expectSameParams(learner.snapshot(), textbook.params, `${name}, step ${done}`);
    }
  }
  return textbook;
}

/** The outer-product road with a forward pass of another pattern after each learn: the kept pattern must survive it. */
function evaluatingAfterEachLearn(engine: MatrixEngine): Learner {
  let prediction = new Float64Array(0);
  return {
    learn(x, t) {
      const E = engine.learn(x, t);
      prediction = Float64Array.from(engine.prediction);
      engine.evaluate(inputs[7]!, targets[0]!);
      return E;
    },
    step: (rate) => engine.step(rate),
    get prediction() {
      return prediction;
    },
    snapshot: () => engine.snapshot(),
  };
}

describe('the matrix engine equals the textbook, number for number, after every step', () => {
  it.each([1, 2, 3, 32])('both roads, batch %i', (B) => {
    trainSideBySide(
      {
        'outer-product road': new MatrixEngine(spec, start, () => backprop),
        'outer-product road, a forward pass after each learn': evaluatingAfterEachLearn(
          new MatrixEngine(spec, start, () => backprop),
        ),
        'pending-sum road': new PendingSum(spec, start),
        'agents engine': new AgentsEngine(spec, start, { rule: 'backprop' }),
      },
      B,
      12,
    );
  });

  // Past 64 kept patterns the engine folds them into the pending sum: 64, 65 and 130 cross that edge.
  it.each([64, 65, 130])('both roads, batch %i (kept patterns folded into the pending sum)', (B) => {
    trainSideBySide(
      {
        'outer-product road': new MatrixEngine(spec, start, () => backprop),
        'pending-sum road': new PendingSum(spec, start),
        'agents engine': new AgentsEngine(spec, start, { rule: 'backprop' }),
      },
      B,
      3,
    );
  });

  it.each([2, 3, 32, 64, 65, 130])('learnBatch (batched forward and error passes), batch %i', (B) => {
    const textbook = new Textbook(spec, start);
    const engine = new MatrixEngine(spec, start, () => backprop);
    for (let s = 0, done = 0; done < 4; done++, s += B) {
      const xs = Array.from({ length: B }, (_, p) => inputs[(s + p) % patterns]!);
      const ts = Array.from({ length: B }, (_, p) => targets[(s + p) % patterns]!);
      const E = engine.learnBatch(xs, ts);
      const expected = Float64Array.from(xs, (x, p) => textbook.learn(x, ts[p]!));
      expectSame(E, expected, `E, step ${done}`);
      expectSame(engine.prediction, textbook.prediction, `prediction of the last pattern, step ${done}`);
      engine.step(η);
      textbook.step(η);
      expectSameParams(engine.snapshot(), textbook.params, `batch ${B}, step ${done}`);
    }
  });

  it('learnBatch after learn in one batch, and a rule without the batched road, equal the textbook', () => {
    const textbook = new Textbook(spec, start);
    const engine = new MatrixEngine(spec, start, () => backprop);
    const other = new MatrixEngine(spec, start, () => ({ ...backprop }));
    for (const learner of [engine, other]) learner.learn(inputs[0]!, targets[0]!);
    textbook.learn(inputs[0]!, targets[0]!);
    const xs = inputs.slice(1, 6),
      ts = targets.slice(1, 6);
    const expected = Float64Array.from(xs, (x, p) => textbook.learn(x, ts[p]!));
    for (const learner of [engine, other]) {
      expectSame(learner.learnBatch(xs, ts), expected, 'E');
      learner.step(η);
    }
    textbook.step(η);
    expectSameParams(engine.snapshot(), textbook.params, 'batched');
    expectSameParams(other.snapshot(), textbook.params, 'pattern by pattern');
  });

  it('negative control: learnBatch with one pattern of the batch changed is told apart', () => {
    const a = new MatrixEngine(spec, start, () => backprop),
      b = new MatrixEngine(spec, start, () => backprop);
    const xs = inputs.slice(0, 8),
      changed = xs.slice();
    changed[5] = xs[5]!.map((v, i) => (i === 2 ? v + 1e-9 : v));
    a.learnBatch(xs, targets.slice(0, 8));
    b.learnBatch(changed, targets.slice(0, 8));
    a.step(η);
    b.step(η);
    expect(firstParamsDifference(a.snapshot(), b.snapshot())).toMatch(/^layer 0 weights\[/);
  });

  it('a NaN input reaches the weights on both roads (a relu that is off still multiplies x_i by 0)', () => {
    const x = inputs[0]!.slice();
    x[3] = NaN;
    for (const B of [1, 2]) {
      for (const learner of [new MatrixEngine(spec, start, () => backprop), new PendingSum(spec, start)]) {
        learner.learn(x, targets[0]!);
        if (B === 2) learner.learn(inputs[1]!, targets[1]!);
        learner.step(η);
        const first = learner.snapshot().layers[0]!.weights;
        expect(first.filter(Number.isNaN).length, `batch ${B}`).toBe(9); // column 3 of every row, off or on
      }
    }
  });

  it('step() with nothing learned changes nothing, on both roads', () => {
    for (const learner of [new MatrixEngine(spec, start, () => backprop), new PendingSum(spec, start)]) {
      learner.step(η);
      expectSameParams(learner.snapshot(), start, 'empty step');
    }
  });

  it('a conv layer (shared weights: several terms per weight) keeps back-prop on the pending-sum road', () => {
    const convSpec = parseNetSpec({
      input: [1, 5, 4],
      layers: [
        { type: 'conv', filters: 2, kernel: 3, stride: 1, padding: 1, activation: 'tanh' },
        { type: 'dense', units: 3, activation: 'identity' },
      ],
      loss: 'softmax-cross-entropy',
    });
    const params = initParams(convSpec, random.derive('conv'));
    const engine = new MatrixEngine(convSpec, params, () => backprop);
    const reference = new PendingSum(convSpec, params);
    for (let p = 0; p < 6; p++) {
      const x = Float64Array.from({ length: 20 }, (_, i) => inputs[p]![i % 11]!);
      const t = targets[p]!.subarray(0, 3);
      expect(engine.learn(x, t)).toBe(reference.learn(x, t));
      engine.step(η);
      reference.step(η);
      expectSameParams(engine.snapshot(), reference.snapshot(), `step ${p}`);
    }
  });

  it('negative control: a textbook whose weights are one ulp off in one place is told apart', () => {
    const engine = new MatrixEngine(spec, start, () => backprop);
    const textbook = trainSideBySide({ engine }, 1, 5);
    expect(firstParamsDifference(engine.snapshot(), textbook.params)).toBeNull();
    const w = textbook.params.layers[1]!.weights;
    w[10] = w[10]! * (1 + Number.EPSILON);
    expect(firstParamsDifference(engine.snapshot(), textbook.params)).toMatch(/^layer 1 weights\[10\] /);
  });
});
