/**
 * Scheduled mode (README, The agents engine): every message is delivered by the circuit's clock after its
 * connection's delay, and the weights are those of the synchronous mode bit for bit, over random nets,
 * rules and delays (one D for all, or a seeded delay per connection). A negative control shows the
 * comparison sees a difference of one step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { AgentsEngine } from '../../src/engines/agents-engine.ts';
import type { Timing } from '../../src/agents/index.ts';
import { initParams, type Params } from '../../src/nn/params.ts';
import { resolveLayers, type NetSpec } from '../../src/nn/spec.ts';
import type { RuleOptions } from '../../src/rules/index.ts';
import { convNet, denseNet } from './nets.ts';

const rule: fc.Arbitrary<RuleOptions> = fc.constantFrom<RuleOptions>(
  { rule: 'backprop' },
  { rule: 'feedback-alignment' },
  { rule: 'direct-feedback-alignment' },
  { rule: 'merged', beta: 0.1 },
  { rule: 'merged', beta: 0.1, symmetric: true },
  { rule: 'predictive-coding', steps: 5, gamma: 0.2 },
  { rule: 'predictive-coding', zil: true },
);

const delays: fc.Arbitrary<{ delay: number; jitter?: [number, number] }> = fc.oneof(
  fc.integer({ min: 0, max: 3 }).map((delay) => ({ delay })),
  fc
    .tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }))
    .map(([a, b]) => ({ delay: 1, jitter: [Math.min(a, b), Math.max(a, b)] as [number, number] })),
);

/** Bitwise: every weight and bias the same double (NaN matching NaN). */
function firstDifference(a: Params, b: Params): string | null {
  for (let l = 0; l < a.layers.length; l++)
    for (const key of ['weights', 'bias'] as const) {
      const [x, y] = [a.layers[l]![key], b.layers[l]![key]];
      for (let k = 0; k < x.length; k++) {
        if (!Object.is(x[k], y[k])) return `layer ${l} ${key}[${k}]: ${x[k]} vs ${y[k]}`;
      }
    }
  return null;
}

/** Train a synchronous and a scheduled agents engine side by side; the first difference in E, prediction or weights. */
function sideBySide(spec: NetSpec, r: RuleOptions, timing: Timing, seed: number, batch: number): string | null {
  const random = createRandom(seed);
  const params = initParams(spec, random.derive('init'));
  const sync = new AgentsEngine(spec, params, r);
  const scheduled = new AgentsEngine(spec, params, r, {}, timing);
  const layers = resolveLayers(spec);
  const n = layers[0]!.inShape.reduce((a, b) => a * b, 1);
  const m = layers[layers.length - 1]!.outShape.reduce((a, b) => a * b, 1);
  for (let step = 0; step < 3; step++) {
    for (let p = 0; p < batch; p++) {
      const x = Float64Array.from({ length: n }, () => random.normal());
      const t = new Float64Array(m);
      if (spec.loss === 'softmax-cross-entropy') t[random.int(m)] = 1;
      else for (let j = 0; j < m; j++) t[j] = random.normal();
      const [Es, Ed] = [sync.learn(x, t), scheduled.learn(x, t)];
      if (!Object.is(Es, Ed)) return `E at step ${step}: ${Es} vs ${Ed}`;
      for (let j = 0; j < m; j++) {
        if (!Object.is(sync.prediction[j], scheduled.prediction[j])) return `prediction ${j} at step ${step}`;
      }
    }
    sync.step(0.1);
    scheduled.step(0.1);
    const d = firstDifference(sync.snapshot(), scheduled.snapshot());
    if (d !== null) return `after step ${step}: ${d}`;
  }
  return null;
}

describe('scheduled mode equals the synchronous mode bit for bit', () => {
  for (const [name, net] of [
    ['dense', denseNet],
    ['conv + dense', convNet],
  ] as const) {
    it(`${name} nets, every rule, delays D or seeded per connection, batch 1–2`, () => {
      fc.assert(
        fc.property(net, rule, delays, fc.integer(), fc.integer({ min: 1, max: 2 }), (spec, r, d, seed, batch) => {
          const timing: Timing = { mode: 'scheduled', ...d, random: createRandom(seed).derive('delays') };
          const difference = sideBySide(spec, r, timing, seed, batch);
          expect(difference, `${r.rule} ${JSON.stringify(d)}`).toBeNull();
        }),
        { numRuns: name === 'dense' ? 60 : 25 },
      );
    });
  }

  it('negative control: one step more in one engine is a difference the comparison sees', () => {
    const spec = fc.sample(denseNet, { numRuns: 1, seed: 7 })[0]!;
    const params = initParams(spec, createRandom(1));
    const a = new AgentsEngine(spec, params, { rule: 'backprop' });
    const b = new AgentsEngine(spec, params, { rule: 'backprop' }, {}, { mode: 'scheduled', delay: 1 });
    const n = resolveLayers(spec)[0]!.inShape.reduce((s, v) => s * v, 1);
    const m = resolveLayers(spec).at(-1)!.outShape[0]!;
    const x = Float64Array.from({ length: n }, (_, k) => Math.sin(k + 1));
    const t = Float64Array.from({ length: m }, (_, k) => (k === 0 ? 1 : 0));
    for (const e of [a, b]) e.learn(x, t);
    a.step(0.1);
    expect(firstDifference(a.snapshot(), b.snapshot())).not.toBeNull();
    b.step(0.1);
    expect(firstDifference(a.snapshot(), b.snapshot())).toBeNull();
  });
});
