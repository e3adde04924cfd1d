/**
 * Overlapping presentations: the agents engine (engines/overlap-engine.ts) against its matrix-form
 * reference (engines/delayed-sgd.ts), weight for weight to 1e-12, over random dense nets, rules,
 * delays (jitter included), P, weight versions and drains; with negative controls showing the
 * comparison sees a difference (stale against stash, the other tie rule), and P large giving plain SGD.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../../src/core/random.ts';
import { DelayedSgd, overlapSchedule, type OverlapSchedule } from '../../src/engines/delayed-sgd.ts';
import { MatrixEngine } from '../../src/engines/matrix-engine.ts';
import { OverlapEngine } from '../../src/engines/overlap-engine.ts';
import type { WeightVersion } from '../../src/agents/overlap-neuron.ts';
import { initParams, type Params } from '../../src/nn/params.ts';
import { parseNetSpec, type NetSpec } from '../../src/nn/spec.ts';
import {
  createMatrixRule,
  directFeedbackMatrices,
  feedbackAlignmentMatrices,
  type RuleOptions,
} from '../../src/rules/index.ts';
import { expectParamsClose, firstMismatch } from '../agents/compare.ts';
import { denseNet } from '../agents/nets.ts';

type OverlapRule = 'backprop' | 'feedback-alignment' | 'direct-feedback-alignment';

interface Setup {
  spec: NetSpec;
  rule: OverlapRule;
  weights: WeightVersion;
  P: number;
  delay: number;
  jitter?: [number, number];
  seed: number;
}

function engines(s: Setup): { engine: OverlapEngine; reference: DelayedSgd; params: Params } {
  const random = createRandom(s.seed);
  const params = initParams(s.spec, random.derive('init'));
  const rule = { rule: s.rule } as RuleOptions;
  const timing = { mode: 'scheduled' as const, delay: s.delay, jitter: s.jitter, random: random.derive('delays') };
  const engine = new OverlapEngine(s.spec, params, rule, { ...timing, presentEvery: s.P, weights: s.weights });
  const direct = s.rule === 'direct-feedback-alignment';
  const feedback =
    s.rule === 'feedback-alignment' ? feedbackAlignmentMatrices(s.spec) : direct ? directFeedbackMatrices(s.spec) : [];
  const schedule = overlapSchedule(engine.delays, s.P);
  return { engine, reference: new DelayedSgd(s.spec, params, schedule, s.weights, feedback, direct), params };
}

function pattern(spec: NetSpec, random: Random): { x: Float64Array; t: Float64Array } {
  const n = spec.input[0]!;
  const m = (spec.layers[spec.layers.length - 1] as { units: number }).units;
  const x = Float64Array.from({ length: n }, () => 2 * random.uniform() - 1);
  const t = new Float64Array(m);
  if (spec.loss === 'softmax-cross-entropy') t[random.int(m)] = 1;
  else for (let j = 0; j < m; j++) t[j] = 2 * random.uniform() - 1;
  return { x, t };
}

/** Train both on `patterns` patterns (draining where `drains` says); the params of each after every drain. */
function trainBoth(s: Setup, patterns: number, drains: readonly number[], η = 0.05): [Params, Params][] {
  const { engine, reference } = engines(s);
  const data = createRandom(`${s.seed}/data`);
  const seen: [Params, Params][] = [];
  for (let p = 0; p < patterns; p++) {
    const { x, t } = pattern(s.spec, data);
    engine.learn(x, t);
    engine.step(η);
    reference.learn(x, t, η);
    if (drains.includes(p) || p === patterns - 1) {
      seen.push([engine.snapshot(), reference.current()]);
      reference.drain();
    }
  }
  return seen;
}

const setup: fc.Arbitrary<Setup> = fc.record({
  spec: denseNet,
  rule: fc.constantFrom<OverlapRule>('backprop', 'feedback-alignment', 'direct-feedback-alignment'),
  weights: fc.constantFrom<WeightVersion>('stale', 'stash'),
  P: fc.integer({ min: 1, max: 8 }),
  delay: fc.integer({ min: 0, max: 3 }),
  jitter: fc.option(
    fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 4 }))
      .map(([a, d]): [number, number] => [a, a + d]),
    { nil: undefined },
  ),
  seed: fc.integer({ min: 0, max: 1e6 }),
});

const twoLayers = (activation = 'tanh'): NetSpec =>
  parseNetSpec({
    input: [5],
    layers: [
      { type: 'dense', units: 6, activation: { name: activation } },
      { type: 'dense', units: 4, activation: { name: activation } },
      { type: 'dense', units: 3, activation: { name: 'identity' } },
    ],
    loss: 'mse',
  });

describe('overlapping presentations: agents engine = delayed SGD in matrix form', () => {
  it('equal to 1e-12 over random nets, rules, delays, P, weight versions and drains', () => {
    fc.assert(
      fc.property(
        setup,
        fc.integer({ min: 1, max: 24 }),
        fc.array(fc.integer({ min: 0, max: 23 }), { maxLength: 3 }),
        (s, patterns, drains) => {
          for (const [agents, matrix] of trainBoth(s, patterns, drains)) expectParamsClose(matrix, agents, 'overlap');
        },
      ),
      { numRuns: 80 },
    );
  });

  it('negative control: stale and stash differ when patterns overlap, and each equals its own reference', () => {
    const base = { spec: twoLayers(), rule: 'backprop' as const, P: 1, delay: 1, seed: 3 };
    const [[stale, staleRef]] = trainBoth({ ...base, weights: 'stale' }, 30, []).slice(-1) as [[Params, Params]];
    const [[stash, stashRef]] = trainBoth({ ...base, weights: 'stash' }, 30, []).slice(-1) as [[Params, Params]];
    expectParamsClose(staleRef, stale, 'stale');
    expectParamsClose(stashRef, stash, 'stash');
    const gap = Math.max(...stale.layers[0]!.weights.map((w, i) => Math.abs(w - stash.layers[0]!.weights[i]!)));
    expect(gap).toBeGreaterThan(1e-6);
    expect(firstMismatch(stale.layers[0]!.weights, staleRef.layers[0]!.weights)).toBeNull();
    expect(firstMismatch(stale.layers[0]!.weights, stashRef.layers[0]!.weights)).not.toBeNull();
  });

  it('negative control: the other tie rule (a write visible at its own tick) gives other weights', () => {
    const s: Setup = { spec: twoLayers(), rule: 'backprop', weights: 'stale', P: 2, delay: 1, seed: 5 };
    const { engine, params } = engines(s);
    const schedule = overlapSchedule(engine.delays, s.P);
    // Every update lands on a slot here (e − f a multiple of P): ≤ instead of < shortens each lag by one.
    schedule.forward.forEach((row, l) => {
      row.forEach((f, j) => {
        expect((schedule.error[l]![j]! - f) % s.P, `row ${l}/${j}`).toBe(0);
      });
    });
    const other: OverlapSchedule = { ...schedule, lag: schedule.lag.map((row) => row.map((k) => k - 1)) };
    const wrong = new DelayedSgd(s.spec, params, other, 'stale');
    const right = new DelayedSgd(s.spec, params, schedule, 'stale');
    const data = createRandom('tie');
    for (let p = 0; p < 20; p++) {
      const { x, t } = pattern(s.spec, data);
      engine.learn(x, t);
      engine.step(0.05);
      wrong.learn(x, t, 0.05);
      right.learn(x, t, 0.05);
    }
    const agents = engine.snapshot();
    expectParamsClose(right.current(), agents, 'tie rule');
    expect(firstMismatch(agents.layers[0]!.weights, wrong.current().layers[0]!.weights)).not.toBeNull();
  });

  it('P longer than a round trip: one pattern in flight, the same numbers as plain SGD (batch 1)', () => {
    for (const weights of ['stale', 'stash'] as const) {
      const s: Setup = { spec: twoLayers('logistic'), rule: 'backprop', weights, P: 40, delay: 2, seed: 8 };
      const { engine, params } = engines(s);
      expect(overlapSchedule(engine.delays, s.P).lag.flat()).toEqual(new Array(13).fill(1));
      const sgd = new MatrixEngine(s.spec, structuredClone(params), (net) =>
        createMatrixRule({ rule: 'backprop' }, net),
      );
      const data = createRandom('plain');
      for (let p = 0; p < 25; p++) {
        const { x, t } = pattern(s.spec, data);
        engine.learn(x, t);
        engine.step(0.1);
        sgd.learn(x, t);
        sgd.step(0.1);
      }
      const [a, b] = [engine.snapshot(), sgd.snapshot()];
      a.layers.forEach((l, i) => {
        expect(Array.from(l.weights)).toEqual(Array.from(b.layers[i]!.weights));
        expect(Array.from(l.bias)).toEqual(Array.from(b.layers[i]!.bias));
      });
    }
  });

  it('each neuron holds the traces of exactly the patterns between its forward read and its error, then none', () => {
    const s: Setup = { spec: twoLayers(), rule: 'backprop', weights: 'stash', P: 1, delay: 1, jitter: [0, 2], seed: 2 };
    const { engine } = engines(s);
    const { forward, error } = overlapSchedule(engine.delays, s.P);
    const data = createRandom('held');
    let most = 0;
    for (let k = 0; k < 12; k++) {
      const { x, t } = pattern(s.spec, data);
      engine.learn(x, t);
      engine.step(0.05); // presents pattern k at tick k, after every task before tick k
      engine.circuit.layers.forEach((neurons, l) => {
        neurons.forEach((n, j) => {
          let held = 0;
          for (let q = 0; q < k; q++) if (q + forward[l]![j]! < k && q + error[l]![j]! >= k) held++;
          expect(n.inFlight, `after pattern ${k}, ${n.name}`).toBe(held);
          most = Math.max(most, held);
        });
      });
    }
    expect(most).toBeGreaterThan(2);
    engine.drain();
    for (const n of engine.circuit.layers.flat()) expect(n.inFlight).toBe(0);
  });

  it('an exception in a neuron stops the engine: one error naming it, and every later call refused', () => {
    const s: Setup = { spec: twoLayers(), rule: 'backprop', weights: 'stale', P: 1, delay: 1, seed: 4 };
    const { engine } = engines(s);
    const neuron = engine.circuit.layers[1]![2]! as unknown as { activation: { g: (z: number) => number } };
    neuron.activation = {
      ...neuron.activation,
      g: () => {
        throw new Error('boom');
      },
    };
    const data = createRandom('fault');
    const present = (): void => {
      const { x, t } = pattern(s.spec, data);
      engine.learn(x, t);
      engine.step(0.05);
    };
    expect(() => {
      for (let k = 0; k < 5; k++) present();
    }).toThrow('neuron (layer 1, neuron 2): boom');
    expect(present).toThrow(/stopped after a fault in neuron \(layer 1, neuron 2\): boom/);
    expect(() => engine.snapshot()).toThrow(/stopped after a fault/);
  });
});
