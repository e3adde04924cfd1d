/**
 * The one-pattern products on params resident in WebAssembly memory (nn/wasm/resident-params.ts)
 * against the TypeScript kernels of nn/kernels.ts: the same bits on every element (=== and the
 * sign of every zero), over shapes with ragged edges (odd n, m not a multiple of the 8-unit tile);
 * and the matrix engine (params resident, 1 and 2 threads) against the textbook, every weight after
 * every B = 1 step. Negative controls show that each comparison sees a sum in another order or a
 * weight 1e-12 off.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { MatrixEngine } from '../../src/engines/matrix-engine.ts';
import { setThreads, threadCount } from '../../src/engines/threads/thread-pool.ts';
import { addScaledOuterProduct, affine, rowsTouched, transposedProduct } from '../../src/nn/kernels.ts';
import { initParams, type Params } from '../../src/nn/params.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';
import { Textbook } from '../../src/nn/textbook.ts';
import {
  isResident,
  residentAddScaledOuterProduct,
  residentAffine,
  residentCopy,
  residentTransposedProduct,
} from '../../src/nn/wasm/resident-params.ts';
import { backprop } from '../../src/rules/backprop.ts';
import { firstDifference, firstParamsDifference } from '../helpers/same-numbers.ts';

const random = createRandom('resident-params');
const vector = (n: number, zeros = 0): Float64Array =>
  Float64Array.from({ length: n }, () => (random.uniform() < zeros ? 0 : random.normal()));

/** The first element where the bits differ (=== and, for zeros, the sign), described; null if none. */
function firstBitDifference(actual: Float64Array, expected: Float64Array): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  for (let k = 0; k < actual.length; k++)
    if (!(actual[k]! === expected[k]!) || !Object.is(actual[k], expected[k]))
      return `[${k}] ${actual[k]} vs ${expected[k]}`;
  return null;
}

/** A resident layer of m units on n inputs (after another layer, so that its offsets are not 0), and a plain copy. */
function layer(m: number, n: number): { resident: Params; plain: Params } {
  const plain: Params = {
    layers: [
      { weights: vector(3 * 5), bias: vector(3) },
      { weights: vector(m * n), bias: vector(m) },
    ],
  };
  return { resident: residentCopy(plain), plain };
}

const shapes = [
  [1, 1],
  [3, 5],
  [8, 8],
  [9, 7],
  [10, 13],
  [17, 30],
  [37, 41],
  [128, 784],
].map(([m, n]) => ({ m: m!, n: n! }));

describe('one-pattern WebAssembly products on resident params: the bits of nn/kernels.ts', () => {
  it.each(shapes)('z = W x + b (m = $m, n = $n)', ({ m, n }) => {
    const { resident, plain } = layer(m, n);
    const w = resident.layers[1]!.weights,
      b = resident.layers[1]!.bias;
    expect(isResident(w)).toBe(true);
    const x = vector(n, 0.3);
    const expected = new Float64Array(m),
      z = new Float64Array(m).fill(NaN);
    affine(plain.layers[1]!.weights, plain.layers[1]!.bias, x, expected, m, n);
    residentAffine(w, b, x, z, m, n);
    expect(firstBitDifference(z, expected)).toBeNull();
    expect(firstBitDifference(w, plain.layers[1]!.weights), 'W untouched').toBeNull();
  });

  it.each(shapes)('W ← W + s · x Δzᵀ on the rows touched (m = $m, n = $n)', ({ m, n }) => {
    const { resident, plain } = layer(m, n);
    const x = vector(n, 0.3),
      Δz = vector(m, 0.4),
      s = -0.013;
    const rows = new Int32Array(m);
    const c = rowsTouched(Δz, x, rows);
    addScaledOuterProduct(plain.layers[1]!.weights, s, x, Δz, rows, c, n);
    residentAddScaledOuterProduct(resident.layers[1]!.weights, s, x, Δz, rows, c, n);
    expect(firstBitDifference(resident.layers[1]!.weights, plain.layers[1]!.weights)).toBeNull();
    expect(firstBitDifference(resident.layers[0]!.weights, plain.layers[0]!.weights), 'other layer').toBeNull();
  });

  it.each(shapes)('Δx = Wᵀ Δz (m = $m, n = $n)', ({ m, n }) => {
    const { resident, plain } = layer(m, n);
    const Δz = vector(m, 0.4);
    const expected = new Float64Array(n),
      Δx = new Float64Array(n).fill(NaN);
    transposedProduct(plain.layers[1]!.weights, Δz, expected, m, n);
    residentTransposedProduct(resident.layers[1]!.weights, Δz, Δx, m, n);
    expect(firstBitDifference(Δx, expected)).toBeNull();
  });

  it('negative control: z summed in decreasing i is told apart', () => {
    const m = 37,
      n = 41;
    const { resident } = layer(m, n);
    const w = resident.layers[1]!.weights,
      b = resident.layers[1]!.bias,
      x = vector(n);
    const z = new Float64Array(m);
    residentAffine(w, b, x, z, m, n);
    const reversed = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      let sum = b[j]!;
      for (let i = n - 1; i >= 0; i--) sum += w[j * n + i]! * x[i]!;
      reversed[j] = sum;
    }
    expect(firstBitDifference(z, reversed)).not.toBeNull();
  });
});

describe('the matrix engine (params resident) against the textbook, B = 1', () => {
  const spec = parseNetSpec({
    input: [41],
    layers: [
      { type: 'dense', units: 37, activation: 'relu' },
      { type: 'dense', units: 23, activation: { name: 'tanh', a: 1.7159, b: 2 / 3 } },
      { type: 'dense', units: 5, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  });
  const start = initParams(spec, random.derive('init'));
  const inputs = Array.from({ length: 200 }, () =>
    Float64Array.from({ length: 41 }, () => (random.uniform() < 0.3 ? 0 : random.normal())),
  );
  const targets = Array.from({ length: 200 }, () => {
    const t = new Float64Array(5);
    t[random.int(5)] = 1;
    return t;
  });
  const initial = threadCount();
  afterAll(() => setThreads(initial));

  function trained(
    perturb: boolean,
    threads = 1,
  ): { engine: MatrixEngine; textbook: Textbook; E: number[]; Et: number[] } {
    setThreads(threads);
    const engine = new MatrixEngine(spec, start, () => backprop);
    const textbook = new Textbook(spec, start);
    if (perturb) {
      const w = engine.net.params.layers[0]!.weights;
      w[5] = w[5]! * (1 + 1e-12);
    }
    const E: number[] = [],
      Et: number[] = [];
    for (let k = 0; k < inputs.length; k++) {
      E.push(engine.learn(inputs[k]!, targets[k]!));
      engine.step(0.05);
      Et.push(textbook.learn(inputs[k]!, targets[k]!));
      textbook.step(0.05);
    }
    return { engine, textbook, E, Et };
  }

  // 2 threads: the params on a shared WebAssembly memory, which the workers are sent.
  it.each([1, 2])('every weight and loss bit for bit after 200 steps (threads: %i)', (threads) => {
    const { engine, textbook, E, Et } = trained(false, threads);
    expect(engine.net.params.layers.every((p) => isResident(p.weights) && isResident(p.bias))).toBe(true);
    expect(firstDifference(E, Et)).toBeNull();
    expect(firstParamsDifference(engine.snapshot(), textbook.params)).toBeNull();
  });

  it('negative control: a weight 1e-12 off at the start is told apart', () => {
    const { engine, textbook } = trained(true);
    expect(firstParamsDifference(engine.snapshot(), textbook.params)).not.toBeNull();
  });
});
