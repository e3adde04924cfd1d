/**
 * Predictive coding's inference is iterative (src/rules/predictive-coding.ts): the stack a pattern uses does not
 * grow with the number of inference steps T. Measured as the depth of the call stack at every relaxation
 * of one hidden neuron, over a pattern of 10 steps and one of 10 000 on the digits net; the 10 000 steps
 * also still equal the matrix form's.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { loadDigits } from '../../src/data/datasets.ts';
import { initParams } from '../../src/nn/params.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';
import { PredictiveState } from '../../src/rules/predictive-coding.ts';
import { bothEngines, expectParamsClose } from './compare.ts';

const spec = parseNetSpec(JSON.parse(readFileSync('nets/digits-64-32-10.net.json', 'utf8')));

afterEach(() => {
  vi.restoreAllMocks();
});

/** One learned digit with T inference steps: the deepest stack at neuron (0, 0)'s relaxations, and their number. */
function deepest(T: number): { depth: number; relaxations: number } {
  const params = initParams(spec, createRandom('flat-stack'));
  const { matrix, agents } = bothEngines(spec, params, {}, { rule: 'predictive-coding', steps: T, gamma: 0.05 });
  const digits = loadDigits();
  type Relax = (this: PredictiveState, fb: number, tick: number) => void;
  const prototype = PredictiveState.prototype as unknown as { relax: Relax };
  const relax = prototype.relax;
  let depth = 0;
  let relaxations = 0;
  const limit = Error.stackTraceLimit;
  vi.spyOn(prototype, 'relax').mockImplementation(function (this: PredictiveState, fb: number, tick: number) {
    const neuron = (this as unknown as { neuron: { layer: number; index: number } }).neuron;
    if (neuron.layer === 0 && neuron.index === 0) {
      relaxations++;
      Error.stackTraceLimit = Infinity;
      depth = Math.max(depth, new Error().stack!.split('\n').length);
      Error.stackTraceLimit = limit;
    }
    relax.call(this, fb, tick);
  });
  try {
    agents.learn(digits.inputs[0]!, digits.targets[0]!);
  } finally {
    vi.restoreAllMocks(); // the next call spies on the method itself, not on this spy
  }
  matrix.learn(digits.inputs[0]!, digits.targets[0]!);
  agents.step(0.1);
  matrix.step(0.1);
  expectParamsClose(matrix.snapshot(), agents.snapshot(), `after ${T} inference steps`);
  return { depth, relaxations };
}

describe('predictive coding: inference runs in a flat stack', () => {
  it('10 000 inference steps on the digits net use the stack of 10', () => {
    const short = deepest(10);
    const long = deepest(10_000);
    expect(short.relaxations).toBe(10);
    expect(long.relaxations).toBe(10_000);
    expect(short.depth).toBeGreaterThan(10); // the measure sees the stack (a deep chain would be thousands)
    expect(long.depth).toBe(short.depth);
  });
});
