/**
 * Threads never change a number: the matrix engine with its minibatch products split over two
 * threads (engines/threads/) against one thread and the textbook, every weight bit for bit after
 * every step. The workers run the TypeScript sources under tsx, as in a clone.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { MatrixEngine } from '../../src/engines/matrix-engine.ts';
import { setThreads, threadCount, threadJobs } from '../../src/engines/threads/thread-pool.ts';
import { initParams } from '../../src/nn/params.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';
import { Textbook } from '../../src/nn/textbook.ts';
import { backprop } from '../../src/rules/backprop.ts';
import { expectSame, expectSameParams, firstDifference, firstParamsDifference } from '../helpers/same-numbers.ts';

const spec = parseNetSpec({
  input: [41],
  layers: [
    { type: 'dense', units: 37, activation: 'relu' },
    { type: 'dense', units: 23, activation: { name: 'tanh', a: 1.7159, b: 2 / 3 } },
    { type: 'dense', units: 5, activation: 'identity' },
  ],
  loss: 'softmax-cross-entropy',
});
const random = createRandom('threads');
const start = initParams(spec, random.derive('init'));
const patterns = 300;
const inputs = Array.from({ length: patterns }, () =>
  Float64Array.from({ length: 41 }, () => (random.uniform() < 0.3 ? 0 : random.normal())),
);
const targets = Array.from({ length: patterns }, () => {
  const t = new Float64Array(5);
  t[random.int(5)] = 1;
  return t;
});
const η = 0.05;
const initial = threadCount();
afterAll(() => setThreads(initial));

function engineWith(threads: number): MatrixEngine {
  setThreads(threads);
  return new MatrixEngine(spec, start, () => backprop);
}

describe('1 thread against 2, every weight bit for bit', () => {
  // 16 is the smallest block split over threads; 64 fills the kept block; 100 folds part of it into the pending sum.
  it.each([16, 17, 32, 64, 100])('batch %i', (B) => {
    const one = engineWith(1),
      two = engineWith(2);
    const textbook = new Textbook(spec, start);
    const jobsBefore = threadJobs();
    for (let s = 0, done = 0; done < 4; done++, s += B) {
      const xs = Array.from({ length: B }, (_, p) => inputs[(s + p) % patterns]!);
      const ts = Array.from({ length: B }, (_, p) => targets[(s + p) % patterns]!);
      setThreads(1);
      const E1 = one.learnBatch(xs, ts);
      one.step(η);
      setThreads(2);
      const E2 = two.learnBatch(xs, ts);
      two.step(η);
      expectSame(E2, E1, `E, step ${done}`);
      for (let p = 0; p < B; p++) textbook.learn(xs[p]!, ts[p]!);
      textbook.step(η);
      expectSameParams(two.snapshot(), one.snapshot(), `2 threads against 1, step ${done}`);
      expectSameParams(one.snapshot(), textbook.params, `1 thread against the textbook, step ${done}`);
    }
    expect(threadJobs(), 'jobs run on the pool').toBeGreaterThan(jobsBefore);
  });

  it('negative control: a weight one ulp off after a threaded step is told apart', () => {
    const one = engineWith(1),
      two = engineWith(2);
    const xs = inputs.slice(0, 32),
      ts = targets.slice(0, 32);
    setThreads(1);
    one.learnBatch(xs, ts);
    one.step(η);
    setThreads(2);
    two.learnBatch(xs, ts);
    two.step(η);
    const a = one.snapshot(),
      b = two.snapshot();
    expect(firstParamsDifference(b, a)).toBeNull();
    const w = b.layers[1]!.weights;
    w[7] = w[7]! + Math.abs(w[7]!) * Number.EPSILON;
    expect(firstParamsDifference(b, a)).toMatch(/^layer 1 weights\[7\] /);
  });

  it('negative control: half-sums over patterns added at the end (a reduction across threads) \
differ from the kernel order', () => {
    // Σ_p in increasing p against (Σ first half) + (Σ second half): what a per-thread partial sum would do.
    const terms = [1, 1e16, -1e16, 1];
    const inOrder = terms.reduce((a, v) => a + v, 0);
    const halves = terms[0]! + terms[1]! + (terms[2]! + terms[3]!);
    expect(inOrder).toBe(1);
    expect(halves).toBe(0);
  });
});

describe('a conv net: 1 thread (pattern by pattern) against 2 (threads/pattern-batch.ts), bit for bit', () => {
  // An unpadded conv (the product form), max pooling, a padded strided conv (the direct loops), dense.
  const convSpec = parseNetSpec({
    input: [2, 12, 11],
    layers: [
      { type: 'conv', filters: 5, kernel: 3, activation: 'relu' },
      { type: 'pool', mode: 'max', size: 2 },
      { type: 'conv', filters: 3, kernel: 3, stride: 2, padding: 1, activation: 'tanh' },
      { type: 'dense', units: 4, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  });
  const convRandom = createRandom('threads conv');
  const convStart = initParams(convSpec, convRandom.derive('init'));
  const convInputs = Array.from({ length: 80 }, () =>
    Float64Array.from({ length: 2 * 12 * 11 }, () => (convRandom.uniform() < 0.2 ? 0 : convRandom.normal())),
  );
  const convTargets = convInputs.map(() => {
    const t = new Float64Array(4);
    t[convRandom.int(4)] = 1;
    return t;
  });

  it.each([16, 23, 64])('batch %i', (B) => {
    setThreads(1);
    const one = new MatrixEngine(convSpec, convStart, () => backprop);
    setThreads(2);
    const two = new MatrixEngine(convSpec, convStart, () => backprop);
    const jobsBefore = threadJobs();
    for (let s = 0, done = 0; done < 3; done++, s += B) {
      const xs = Array.from({ length: B }, (_, p) => convInputs[(s + p) % convInputs.length]!);
      const ts = Array.from({ length: B }, (_, p) => convTargets[(s + p) % convInputs.length]!);
      setThreads(1);
      const E1 = one.learnBatch(xs, ts);
      one.step(η);
      setThreads(2);
      const E2 = two.learnBatch(xs, ts);
      two.step(η);
      expectSame(E2, E1, `E, step ${done}`);
      expectSameParams(two.snapshot(), one.snapshot(), `2 threads against 1, step ${done}`);
    }
    expect(threadJobs(), 'jobs run on the pool').toBeGreaterThan(jobsBefore);
    // The steps moved every layer with weights (0, 2, 3; 1 is the pool): the comparisons saw trained weights.
    const trained = one.snapshot().layers;
    for (const l of [0, 2, 3])
      expect(firstDifference(trained[l]!.weights, convStart.layers[l]!.weights)).not.toBeNull();
  });
});
