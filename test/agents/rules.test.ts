/**
 * Every learning rule in the agents engine equals its matrix form (README, Two axes), on the same
 * random nets as back-prop's property test (nets.ts: depth 1–4, widths 1–12, every activation, both
 * losses, conv + dense, batch 1–3) with the rule's options varied: after every step every weight and
 * bias agrees to 1e-12, as do E, the predictions, held-out E and gradient().
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentsEngine } from '../../src/engines/agents-engine.ts';
import { InputError } from '../../src/core/errors.ts';
import { createRandom } from '../../src/core/random.ts';
import { createEngine } from '../../src/engines/index.ts';
import { initParams } from '../../src/nn/params.ts';
import { parseNetSpec, type NetSpec } from '../../src/nn/spec.ts';
import {
  directFeedbackMatrices,
  feedbackAlignmentMatrices,
  RULE_NAMES,
  type RuleName,
  type RuleOptions,
} from '../../src/rules/index.ts';
import { convNet, denseNet, run, trainSideBySide } from './nets.ts';

const feedbackSeed = fc.option(fc.string({ maxLength: 6 }), { nil: undefined });

/**
 * Each rule's options, drawn independently of the net; `forNet` makes them valid for it (Z-IL needs L − 1 steps).
 * A rule not listed here runs with its defaults, so every rule in the table is held to its matrix form.
 */
const ruleOptions: Partial<Record<RuleName, fc.Arbitrary<(spec: NetSpec) => RuleOptions>>> = {
  'feedback-alignment': feedbackSeed.map((seed) => () => ({ rule: 'feedback-alignment', feedbackSeed: seed })),
  'direct-feedback-alignment': feedbackSeed.map((seed) => () => ({
    rule: 'direct-feedback-alignment',
    feedbackSeed: seed,
  })),
  usf: fc.boolean().map((scaled) => () => ({ rule: 'usf', scaled })),
  brsf: feedbackSeed.map((seed) => () => ({ rule: 'brsf', feedbackSeed: seed })),
  frsf: feedbackSeed.map((seed) => () => ({ rule: 'frsf', feedbackSeed: seed })),
  merged: fc
    .record({
      beta: fc.option(fc.double({ min: 1e-3, max: 0.5, noNaN: true }), { nil: undefined }),
      symmetric: fc.boolean(),
    })
    .map((o) => () => ({ rule: 'merged', ...o })),
  'predictive-coding': fc
    .record({
      zil: fc.boolean(),
      steps: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
      gamma: fc.option(fc.double({ min: 0.05, max: 0.6, noNaN: true }), { nil: undefined }),
    })
    .map(({ zil, steps, gamma }) => (spec: NetSpec): RuleOptions => {
      if (!zil) return { rule: 'predictive-coding', steps, gamma };
      const L = spec.layers.length;
      return {
        rule: 'predictive-coding',
        zil,
        steps: steps === undefined ? undefined : L - 1 + steps,
        gamma: gamma === undefined ? undefined : 1,
      };
    }),
};

/** Back-prop has its own property tests (equivalence.test.ts). */
const rules = RULE_NAMES.filter((rule) => rule !== 'backprop').map(
  (rule) => [rule, ruleOptions[rule] ?? fc.constant(() => ({ rule }))] as const,
);

describe.each(rules)('agents engine ≡ matrix engine (%s)', (_rule, options) => {
  it('dense nets: depth 1–4, widths 1–12, every activation, both losses, batch 1–3, options varied', () => {
    fc.assert(
      fc.property(denseNet, run, options, (spec, r, forNet) => trainSideBySide(spec, r, forNet(spec))),
      { numRuns: 100 },
    );
  });

  it('conv + dense nets with stride and padding, options varied', () => {
    fc.assert(
      fc.property(convNet, run, options, (spec, r, forNet) => trainSideBySide(spec, r, forNet(spec))),
      { numRuns: 60 },
    );
  });
});

describe('the rules in the agents engine', () => {
  const spec = parseNetSpec({
    input: [1, 5, 5],
    layers: [
      { type: 'conv', filters: 2, kernel: 3, stride: 2, padding: 1, activation: 'relu' },
      { type: 'dense', units: 4, activation: 'tanh' },
      { type: 'dense', units: 3, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  });
  const params = initParams(spec, createRandom('rules'));

  it('every rule is built (none is "not built yet")', () => {
    for (const rule of RULE_NAMES) expect(() => new AgentsEngine(spec, params, { rule })).not.toThrow();
  });

  it("bad rule options are the matrix form's InputError, word for word", () => {
    const bad: RuleOptions[] = [
      { rule: 'merged', beta: 0 },
      { rule: 'merged', beta: Number.NaN },
      { rule: 'predictive-coding', steps: 1.5 },
      { rule: 'predictive-coding', gamma: -1 },
      { rule: 'predictive-coding', zil: true, steps: 1 },
      { rule: 'predictive-coding', zil: true, gamma: 0.5 },
      { rule: 'usf', scaled: 'yes' as unknown as boolean },
    ];
    for (const options of bad) {
      const message = (engine: 'matrix' | 'agents'): string => {
        try {
          createEngine(engine, spec, params, options);
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          return (e as Error).message;
        }
        throw new Error(`${engine} accepted ${JSON.stringify(options)}`);
      };
      expect(message('agents')).toBe(message('matrix'));
    }
  });

  it("feedback alignment: each neuron owns its b_ij, the matrix form's B (same seed), in its own buffer", () => {
    const engine = new AgentsEngine(spec, params, { rule: 'feedback-alignment', feedbackSeed: 's' });
    const B = feedbackAlignmentMatrices(spec, 's');
    const [conv, hidden, output] = engine.circuit.layers;
    for (const n of conv!.neurons) expect(n.backWeights).toBeNull(); // the first layer pushes nothing
    for (const layer of [hidden!, output!]) {
      const l = engine.circuit.layers.indexOf(layer);
      layer.neurons.forEach((n, j) => {
        expect(Array.from(n.backWeights!)).toEqual(Array.from(B[l]!.subarray(j * n.w.length, (j + 1) * n.w.length)));
        expect(n.backWeights!.buffer.byteLength).toBe(n.backWeights!.byteLength);
        expect(Array.from(n.backWeights!)).not.toEqual(Array.from(n.w)); // b_ij, not w_ij
      });
    }
  });

  it("direct feedback alignment: each output neuron owns row k of every hidden layer's B; \
hidden neurons push nothing", () => {
    const engine = new AgentsEngine(spec, params, { rule: 'direct-feedback-alignment' });
    const B = directFeedbackMatrices(spec);
    const [conv, hidden, output] = engine.circuit.layers;
    for (const n of [...conv!.neurons, ...hidden!.neurons]) {
      expect(n.backWeights).toBeNull();
      expect(n.pushed).toBeNull();
    }
    const sizes = [conv!.neurons.length, hidden!.neurons.length];
    output!.neurons.forEach((n, k) => {
      const rows = [0, 1].flatMap((l) => Array.from(B[l]!.subarray(k * sizes[l]!, (k + 1) * sizes[l]!)));
      expect(Array.from(n.backWeights!)).toEqual(rows);
    });
    // The hidden layers hear the output directly: both take their error one hop after the output's.
    const trace = engine.trace();
    engine.learn(
      Float64Array.from({ length: 25 }, (_, k) => Math.sin(k)),
      [0, 1, 0],
    );
    const errorTick = (l: number): number[] => [
      ...new Set(trace.records.filter((r) => r.kind === 'error' && r.layer === l).map((r) => r.tick)),
    ];
    expect(errorTick(2)).toEqual([5]);
    expect(errorTick(1)).toEqual([6]);
    expect(errorTick(0)).toEqual([6]);
  });
});
