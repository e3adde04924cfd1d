/**
 * SGD with momentum, weight decay and a step schedule for η (nn/momentum-step.ts, nn/sgd.ts): trajectories computed
 * by hand, the two engines held together ≤ 1e-12 with momentum and decay for several rules (each synapse of the
 * agents engine keeps its own velocity), and negative controls showing the comparison sees a difference.
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { AgentsEngine } from '../../src/engines/agents-engine.ts';
import { MatrixEngine } from '../../src/engines/matrix-engine.ts';
import type { Engine } from '../../src/nn/engine.ts';
import { velocityStepAndClear, type SgdOptions } from '../../src/nn/momentum-step.ts';
import { initParams, type Params } from '../../src/nn/params.ts';
import { learningRateAt, train, type TrainOptions } from '../../src/nn/sgd.ts';
import { parseNetSpec, type NetSpec } from '../../src/nn/spec.ts';
import { createMatrixRule, type RuleOptions } from '../../src/rules/index.ts';
import { expectParamsClose, firstMismatch } from '../agents/compare.ts';
import { fixture, NETS } from '../rules/helpers.ts';

describe('velocityStepAndClear', () => {
  it('follows a three-step trajectory computed by hand (μ = 0.9, λ = 0.1, η = 0.5, B = 2)', () => {
    const o: SgdOptions = { momentum: 0.9, weightDecay: 0.1 };
    const w = Float64Array.of(1);
    const v = Float64Array.of(0);
    const expected = [
      // g = 0.4/2 + 0.1·1 = 0.3; v = 0.3 (the first step: v = g); w = 1 − 0.5·0.3
      { sum: 0.4, v: 0.3, w: 0.85 },
      // g = −0.2/2 + 0.1·0.85 = −0.015; v = 0.9·0.3 − 0.015 = 0.255; w = 0.85 − 0.5·0.255
      { sum: -0.2, v: 0.255, w: 0.7225 },
      // g = 0 + 0.1·0.7225 = 0.07225; v = 0.9·0.255 + 0.07225 = 0.30175; w = 0.7225 − 0.5·0.30175
      { sum: 0, v: 0.30175, w: 0.571625 },
    ];
    for (const step of expected) {
      const sum = Float64Array.of(step.sum);
      velocityStepAndClear(w, v, sum, 2, 0.5, o);
      expect(v[0]).toBeCloseTo(step.v, 15);
      expect(w[0]).toBeCloseTo(step.w, 15);
      expect(sum[0]).toBe(0);
    }
  });
});

describe('learningRateAt', () => {
  it("multiplies η by γ once each step's epochs are done (PyTorch's MultiStepLR, milestones [50, 75])", () => {
    const rates = [1, 50, 51, 75, 76, 100].map((e) => learningRateAt(0.1, e, [50, 75], 0.1));
    expect(rates[0]).toBe(0.1);
    expect(rates[1]).toBe(0.1);
    expect(rates[2]).toBeCloseTo(0.01, 17);
    expect(rates[3]).toBeCloseTo(0.01, 17);
    expect(rates[4]).toBeCloseTo(0.001, 17);
    expect(rates[5]).toBeCloseTo(0.001, 17);
    expect(learningRateAt(0.1, 80)).toBe(0.1);
  });
});

/** One linear unit y = w·x + b with E = ½(y − t)², its weight and bias set. */
function linearUnit(w: number, b: number): { spec: NetSpec; params: Params } {
  const spec = parseNetSpec({ input: [1], layers: [{ type: 'dense', units: 1, activation: 'identity' }], loss: 'mse' });
  const params = initParams(spec, createRandom(1));
  params.layers[0]!.weights[0] = w;
  params.layers[0]!.bias[0] = b;
  return { spec, params };
}

const engines = (spec: NetSpec, params: Params, rule: RuleOptions): Engine[] => [
  new MatrixEngine(spec, params, (net) => createMatrixRule(rule, net)),
  new AgentsEngine(spec, params, rule),
];

describe('train() with momentum, weight decay and an η step', () => {
  it('follows two epochs computed by hand, in both engines', () => {
    // Patterns (x, t) = (1, 0) and (2, 1), one batch of both; w = 0.5, b = 0; μ = 0.9, λ = 0.01; η = 0.1, then
    // 0.05 after epoch 1 (--lr-steps 1 --lr-gamma 0.5).
    //   epoch 1: Δ = 0.5, 0 → Σw = 0.5, Σb = 0.5; g_w = 0.25 + 0.005 = 0.255, g_b = 0.25;
    //            v = g; w = 0.5 − 0.1·0.255 = 0.4745, b = −0.1·0.25 = −0.025
    //   epoch 2: y = 0.4495, 0.924 → Δ = 0.4495, −0.076 → Σw = 0.2975, Σb = 0.3735;
    //            g_w = 0.14875 + 0.004745 = 0.153495, g_b = 0.18675 − 0.00025 = 0.1865;
    //            v_w = 0.9·0.255 + 0.153495 = 0.382995, v_b = 0.9·0.25 + 0.1865 = 0.4115;
    //            w = 0.4745 − 0.05·0.382995 = 0.45535025, b = −0.025 − 0.05·0.4115 = −0.045575
    const data = {
      inputs: [Float64Array.of(1), Float64Array.of(2)],
      targets: [Float64Array.of(0), Float64Array.of(1)],
    };
    const { spec, params } = linearUnit(0.5, 0);
    for (const engine of engines(spec, params, { rule: 'backprop' })) {
      const options: TrainOptions = {
        epochs: 1,
        η: 0.1,
        batch: 2,
        shuffle: null,
        classify: false,
        sgd: { momentum: 0.9, weightDecay: 0.01 },
        lrSteps: [1],
        lrGamma: 0.5,
      };
      train(engine, data, null, options);
      let layer = engine.snapshot().layers[0]!;
      expect(layer.weights[0], engine.name).toBeCloseTo(0.4745, 15);
      expect(layer.bias[0], engine.name).toBeCloseTo(-0.025, 15);
      // The second epoch continues from the first's velocity: the same engine, epoch 2 of a 2-epoch schedule.
      const again = { ...options, epochs: 2 };
      const fresh = engines(spec, params, { rule: 'backprop' }).find((e) => e.name === engine.name)!;
      train(fresh, data, null, again);
      layer = fresh.snapshot().layers[0]!;
      expect(layer.weights[0], engine.name).toBeCloseTo(0.45535025, 15);
      expect(layer.bias[0], engine.name).toBeCloseTo(-0.045575, 15);
    }
  });

  it('without momentum and decay the step is the plain one, to the bit', () => {
    const f = fixture(NETS.softmax3, 4, 6);
    const options: TrainOptions = { epochs: 2, η: 0.05, batch: 4, shuffle: null, classify: false };
    const a = new MatrixEngine(f.spec, f.params, (net) => createMatrixRule({ rule: 'backprop' }, net));
    const b = new MatrixEngine(f.spec, f.params, (net) => createMatrixRule({ rule: 'backprop' }, net));
    train(a, f, null, options);
    train(b, f, null, { ...options, sgd: { momentum: 0, weightDecay: 0 }, lrSteps: [], lrGamma: 0.1 });
    const [pa, pb] = [a.snapshot(), b.snapshot()];
    pa.layers.forEach((l, i) => {
      expect(Array.from(pb.layers[i]!.weights)).toEqual(Array.from(l.weights));
      expect(Array.from(pb.layers[i]!.bias)).toEqual(Array.from(l.bias));
    });
  });
});

describe('matrix and agents engines with momentum and weight decay', () => {
  const sgd: SgdOptions = { momentum: 0.9, weightDecay: 0.01 };
  /** Three epochs of batches of 3 (and a short last batch of 1), η stepped down after the first epoch. */
  const options = (o?: SgdOptions): TrainOptions => ({
    epochs: 3,
    η: 0.05,
    batch: 3,
    shuffle: null,
    classify: false,
    sgd: o,
    lrSteps: [1],
    lrGamma: 0.5,
  });
  const nets = {
    ...NETS,
    pooled: {
      input: [1, 8, 8],
      layers: [
        { type: 'conv', filters: 2, kernel: 3, activation: 'relu' },
        { type: 'pool', mode: 'max', size: 2 },
        { type: 'dense', units: 5, activation: 'relu' },
        { type: 'dense', units: 3, activation: 'identity' },
      ],
      loss: 'softmax-cross-entropy',
    },
  } as const;
  const cases: [string, keyof typeof nets, RuleOptions][] = [
    ['backprop, dense', 'softmax3', { rule: 'backprop' }],
    ['backprop, conv (kernel agents)', 'conv', { rule: 'backprop' }],
    ['feedback alignment', 'softmax3', { rule: 'feedback-alignment', feedbackSeed: 'm' }],
    ['direct feedback alignment, conv', 'conv', { rule: 'direct-feedback-alignment', feedbackSeed: 'm' }],
    ['uSF', 'mse2', { rule: 'usf' }],
    ['brSF, conv', 'conv', { rule: 'brsf', feedbackSeed: 'm' }],
    ['frSF', 'softmax3', { rule: 'frsf', feedbackSeed: 'm' }],
    ['backprop, conv and max-pool (LeNet-like)', 'pooled', { rule: 'backprop' }],
    ['frSF, conv and max-pool', 'pooled', { rule: 'frsf', feedbackSeed: 'm' }],
    ['predictive coding', 'mse2', { rule: 'predictive-coding' }],
    ['merged', 'softmax3', { rule: 'merged', beta: 0.01, symmetric: true }],
  ];
  it.each(cases)('%s: every weight and bias agree ≤ 1e-12 after 3 epochs', (_, net, rule) => {
    const f = fixture(nets[net], 7, 7);
    const [matrix, agents] = engines(f.spec, f.params, rule) as [Engine, Engine];
    train(matrix, f, null, options(sgd));
    train(agents, f, null, options(sgd));
    expectParamsClose(matrix.snapshot(), agents.snapshot(), `${rule.rule} on ${net}`);
  });

  it('negative controls: the comparison sees momentum left out, and a changed μ', () => {
    const f = fixture(NETS.conv, 7, 7);
    const rule: RuleOptions = { rule: 'backprop' };
    const [matrix, agents, other] = [
      ...engines(f.spec, f.params, rule),
      ...engines(f.spec, f.params, rule),
    ] as Engine[];
    train(matrix!, f, null, options(sgd));
    train(agents!, f, null, options());
    train(other!, f, null, options({ momentum: 0.8, weightDecay: 0.01 }));
    const mismatch = (a: Params, b: Params): boolean =>
      a.layers.some((l, i) => firstMismatch(l.weights, b.layers[i]!.weights) !== null);
    expect(mismatch(matrix!.snapshot(), agents!.snapshot())).toBe(true);
    expect(mismatch(matrix!.snapshot(), other!.snapshot())).toBe(true);
  });
});
