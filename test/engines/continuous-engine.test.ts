/**
 * The merged rule in continuous time (--dynamics leaky) against the discrete merged rule and back-prop,
 * on a 5-7-6-3 net (tanh, logistic, softmax-CE) with non-zero biases.
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { ContinuousEngine } from '../../src/engines/index.ts';
import { Network } from '../../src/nn/network.ts';
import type { Params } from '../../src/nn/params.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';
import { createMatrixRule, relativeError, updateAndGradient } from '../../src/rules/index.ts';
import { LEAKY_DEFAULTS, type LeakySettings } from '../../src/rules/merged-continuous.ts';
import { paramsWithBiases, randomPatterns } from '../../experiments/shared/random-nets.ts';

const spec = parseNetSpec({
  input: [5],
  layers: [
    { type: 'dense', units: 7, activation: 'tanh' },
    { type: 'dense', units: 6, activation: 'logistic' },
    { type: 'dense', units: 3, activation: 'identity' },
  ],
  loss: 'softmax-cross-entropy',
});
const random = createRandom('continuous-test');
const params = paramsWithBiases(spec, random.derive('params'), 0.3);
const { inputs, targets } = randomPatterns(spec, 3, random.derive('patterns'));

const leaky = (T: number, h = 0.1): LeakySettings => ({ τ: 1, h, T, settle: LEAKY_DEFAULTS.settle });

function continuousUpdate(β: number, symmetric: boolean, settings: LeakySettings): Params {
  return new ContinuousEngine(spec, params, { β, symmetric }, settings).gradient(inputs, targets).gradients;
}

function discrete(β: number, symmetric: boolean): { update: Params; gradient: Params } {
  const net = new Network(spec, params);
  return updateAndGradient(net, createMatrixRule({ rule: 'merged', beta: β, symmetric }, net), inputs, targets);
}

describe('continuous-time merged rule', () => {
  it.each([false, true])(
    'converges to the discrete merged rule as the phase grows against τ (symmetric: %s)',
    (symmetric) => {
      const β = 0.01;
      const { update } = discrete(β, symmetric);
      const errors = [2, 5, 10, 20].map((T) => relativeError(continuousUpdate(β, symmetric, leaky(T)), update));
      // A short phase leaves most of the transient: far from the discrete update (the comparison can see it).
      expect(errors[0]).toBeGreaterThan(0.05);
      for (let k = 1; k < errors.length; k++) expect(errors[k]).toBeLessThan(errors[k - 1]! / 5);
      expect(errors[3]).toBeLessThan(1e-6);
    },
  );

  it('settles to a fixed point that does not depend on the Euler step', () => {
    const a = continuousUpdate(0.01, false, leaky(30, 0.1));
    const b = continuousUpdate(0.01, false, leaky(30, 0.5));
    expect(relativeError(a, b)).toBeLessThan(1e-7);
    expect(relativeError(a, b)).toBeGreaterThan(0); // different paths, so not bit-equal
  });

  it.each([
    [false, 1],
    [true, 2],
  ])('its error against back-prop falls as β^k at a long phase (symmetric: %s, k = %i)', (symmetric, k) => {
    const βs = [0.1, 0.03, 0.01];
    const errors = βs.map((β) =>
      relativeError(continuousUpdate(β, symmetric, leaky(30)), discrete(β, symmetric).gradient),
    );
    const slope = Math.log10(errors[0]! / errors[2]!) / Math.log10(βs[0]! / βs[2]!);
    expect(Math.abs(slope - k)).toBeLessThan(0.2);
    for (const e of errors) expect(e).toBeGreaterThan(1e-9);
  });

  it('records rates in the order they were sent, with times that never decrease, and times its phases', () => {
    const engine = new ContinuousEngine(spec, params, { β: 0.01, symmetric: true }, leaky(3));
    engine.learn(inputs[0]!, targets[0]!);
    engine.record();
    const start = engine.now;
    engine.learn(inputs[1]!, targets[1]!);
    const records = engine.stopRecording();
    const times = engine.phaseTimes;
    expect(times.start).toBe(start);
    for (let k = 1; k < records.length; k++) expect(records[k]!.time).toBeGreaterThanOrEqual(records[k - 1]!.time);
    // Sends every step: at t₀ + k·h, each of the 16 neurons once.
    expect(records[0]!.time).toBe(start);
    expect(records.slice(0, 16).every((r) => r.time === start)).toBe(true);
    expect(records[16]!.time).toBeCloseTo(start + 0.1, 12);
    expect(times.settled).toBeGreaterThan(start + 1);
    expect(times.plusEnd! - times.settled).toBeCloseTo(3, 9);
    expect(times.end - times.plusEnd!).toBeCloseTo(3, 9);
  });

  it('an exception in a neuron aborts the pattern at once and is thrown from learn', () => {
    const engine = new ContinuousEngine(spec, params, { β: 0.01, symmetric: false }, leaky(5));
    const neuron = engine.circuit.layers[1]![2]!;
    const protocol = neuron.protocol!;
    let calls = 0;
    neuron.protocol = {
      phase: (p, Δy) => protocol.phase(p, Δy),
      push: (pushed) => protocol.push(pushed),
      extra: (above) => {
        if (++calls === 30) throw new Error('injected');
        return protocol.extra(above);
      },
    };
    engine.record();
    expect(() => engine.learn(inputs[0]!, targets[0]!)).toThrow('injected');
    const records = engine.stopRecording();
    // Nothing was sent after the faulty step (its 30th, at t = 29.5·h).
    expect(Math.max(...records.map((r) => r.time))).toBeLessThan(29.5 * 0.1 + 1e-9);
    expect(() => engine.learn(inputs[1]!, targets[1]!)).toThrow('injected');
  });

  it('an exception inside a stream handler (a phase broadcast) is not left to a timer: learn throws it', () => {
    const engine = new ContinuousEngine(spec, params, { β: 0.01, symmetric: false }, leaky(5));
    const neuron = engine.circuit.layers[0]![0]!;
    const protocol = neuron.protocol!;
    neuron.protocol = {
      phase: () => {
        throw new Error('injected in a handler');
      },
      push: (pushed) => protocol.push(pushed),
      extra: (above) => protocol.extra(above),
    };
    const before = engine.snapshot();
    expect(() => engine.learn(inputs[0]!, targets[0]!)).toThrow('injected in a handler');
    expect(() => engine.step(0.1)).toThrow('injected in a handler');
    expect(relativeError(engine.snapshot(), before)).toBe(0);
  });
});
