/**
 * Pool layers in the agents engine: every rule that takes them (POOLING_RULES) equals its matrix
 * form to 1e-12 on random conv + pool + dense nets (the same side-by-side training as the other
 * property tests); a max-pool unit routes the error to its winner only, ties going to the first
 * input of its window in row-major order. The protocol rules (merged, predictive coding) are also
 * held to it with their options varied, a max-pool unit re-electing its winner at every inference step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { PoolUnit } from '../../src/agents/pool-unit.ts';
import { AgentsEngine } from '../../src/engines/agents-engine.ts';
import { createEngine } from '../../src/engines/index.ts';
import { MatrixEngine } from '../../src/engines/matrix-engine.ts';
import { initParams } from '../../src/nn/params.ts';
import { Pool } from '../../src/nn/pool.ts';
import { parseNetSpec, type NetSpec } from '../../src/nn/spec.ts';
import { createMatrixRule, POOLING_RULES, RULE_NAMES, type RuleOptions } from '../../src/rules/index.ts';
import { bothEngines } from './compare.ts';
import { poolNet, run, trainSideBySide, type Run } from './nets.ts';

describe.each(POOLING_RULES)('agents engine ≡ matrix engine with pool layers (%s)', (rule) => {
  it('conv + max/average pool + dense nets, size and stride 1–3, batch 1–3', () => {
    const train = (spec: NetSpec, r: Run, seed: string): void =>
      trainSideBySide(spec, r, { rule, feedbackSeed: seed } as RuleOptions);
    fc.assert(fc.property(poolNet, run, fc.string({ maxLength: 4 }), train), { numRuns: 60 });
  });
});

/** The protocol rules' options that change what a pool unit does: one or two waves, Z-IL or plain inference. */
const PROTOCOL_OPTIONS: RuleOptions[] = [
  { rule: 'merged', beta: 0.05 },
  { rule: 'merged', beta: 0.02, symmetric: true },
  { rule: 'predictive-coding', zil: true },
  { rule: 'predictive-coding', steps: 4, gamma: 0.4 },
];

describe.each(PROTOCOL_OPTIONS)('agents engine ≡ matrix engine with pool layers (%o)', (options) => {
  it('conv + max/average pool + dense nets, size and stride 1–3, batch 1–3', () => {
    fc.assert(
      fc.property(poolNet, run, (spec, r) => trainSideBySide(spec, r, options)),
      { numRuns: 40 },
    );
  });
});

const NEGATIVE_CONTROL_RULES: RuleOptions[] = [
  { rule: 'backprop' },
  { rule: 'merged', beta: 0.05, symmetric: true },
  { rule: 'predictive-coding', zil: true },
];

/** conv 1→2 k1, a max (or average) pool 2, dense 2. */
function smallPoolNet(mode: 'max' | 'average'): NetSpec {
  return parseNetSpec({
    input: [1, 4, 4],
    layers: [
      { type: 'conv', filters: 2, kernel: 1, activation: 'tanh' },
      { type: 'pool', mode, size: 2 },
      { type: 'dense', units: 2 },
    ],
    loss: 'mse',
  });
}

describe.each(NEGATIVE_CONTROL_RULES)('negative controls (%o)', (options) => {
  const spec = smallPoolNet('max');
  const r = { seed: 1, batch: 1, steps: 2, η: 0.1, linearizeRectifiers: false };

  it('the comparison passes as it is', () => {
    trainSideBySide(spec, r, options);
  });

  it('a matrix pool that sends the error to the wrong inputs is caught by the same comparison', () => {
    const original = Pool.prototype.backward;
    Pool.prototype.backward = function (this: Pool, x, Δz, into, Δx) {
      original.call(this, x, Δz, into, Δx);
      Δx?.reverse();
    };
    try {
      expect(() => trainSideBySide(spec, r, options)).toThrow(/after step 1: layer 0 weights/);
    } finally {
      Pool.prototype.backward = original;
    }
  });

  it('average pooling in the matrix engine against max pooling in the agents engine is caught', () => {
    const average = smallPoolNet('average');
    const params = initParams(spec, createRandom('kinds'));
    const matrix = new MatrixEngine(average, params, (net) => createMatrixRule(options, net));
    const agents = new AgentsEngine(spec, params, options);
    const x = Float64Array.from({ length: 16 }, (_, k) => Math.sin(3 * k));
    matrix.learn(x, [1, -1]);
    agents.learn(x, [1, -1]);
    matrix.step(0.1);
    agents.step(0.1);
    const diff = Math.abs(matrix.snapshot().layers[0]!.weights[0]! - agents.snapshot().layers[0]!.weights[0]!);
    expect(diff).toBeGreaterThan(1e-6);
  });
});

it("negative control: a max-pool unit that keeps the forward pass's winner through PC's inference is caught", () => {
  // Six steps at γ = 0.5 move the values below enough that some window's maximum changes hands.
  const spec = parseNetSpec({
    input: [1, 6, 6],
    layers: [
      { type: 'conv', filters: 2, kernel: 1, activation: 'tanh' },
      { type: 'pool', mode: 'max', size: 2 },
      { type: 'dense', units: 3, activation: 'tanh' },
      { type: 'dense', units: 2 },
    ],
    loss: 'mse',
  });
  const options: RuleOptions = { rule: 'predictive-coding', steps: 6, gamma: 0.5 };
  const r = { seed: 3, batch: 2, steps: 2, η: 0.2, linearizeRectifiers: false };
  trainSideBySide(spec, r, options);
  const original = PoolUnit.prototype.take;
  PoolUnit.prototype.take = function (this: PoolUnit, v) {
    return v.values[this.pre![this.winner]!]!;
  };
  try {
    expect(() => trainSideBySide(spec, r, options)).toThrow(/after step 1/);
  } finally {
    PoolUnit.prototype.take = original;
  }
});

describe('pool units', () => {
  const spec = parseNetSpec({
    input: [1, 4, 4],
    layers: [
      { type: 'pool', mode: 'max', size: 2 },
      { type: 'dense', units: 2, activation: 'identity' },
    ],
    loss: 'mse',
  });
  const params = initParams(spec, createRandom('pool units'));
  // Windows {1,5,3,4}, {2,2,2,0} (a three-way tie), {0,−1,6,6} (a tie), {7,7,7,−2}.
  const x = Float64Array.of(1, 5, 2, 2, 3, 4, 2, 0, 0, -1, 7, 7, 6, 6, 7, -2);

  it('a max-pool unit pushes its error to its winner only, the first maximum of its window (row-major)', () => {
    const engine = new AgentsEngine(spec, params, { rule: 'backprop' });
    const trace = engine.trace();
    engine.learn(x, [1, -1]);
    const units = engine.circuit.layers[0]!.neurons as PoolUnit[];
    expect(units.every((u) => u instanceof PoolUnit)).toBe(true);
    expect(units.map((u) => u.y)).toEqual([5, 2, 6, 7]);
    expect(units.map((u) => u.winner)).toEqual([1, 0, 2, 0]); // positions in each window
    // Layer 0 pushes nothing (the inputs do not learn); its error arrives, as Δz = Δy of the dense layer above.
    const errors = trace.records.filter((r) => r.kind === 'error' && r.layer === 0);
    expect(errors.map((r) => r.neuron)).toEqual([0, 1, 2, 3]);
    for (const u of units) expect(u.Δz).not.toBe(0);
    // Above the first layer it pushes: with a conv below, the error reaches only the winners.
    const deeper = parseNetSpec({
      input: [1, 4, 4],
      layers: [
        { type: 'conv', filters: 1, kernel: 1, activation: 'identity' },
        { type: 'pool', mode: 'max', size: 2 },
        { type: 'dense', units: 2 },
      ],
      loss: 'mse',
    });
    const p = initParams(deeper, createRandom('deeper'));
    p.layers[0]!.weights[0] = 1;
    p.layers[0]!.bias[0] = 0;
    const { matrix, agents } = bothEngines(deeper, p);
    // What the unit sent back, read from its error message (a message carries its own array).
    let pushed: Float64Array = new Float64Array(0);
    (agents.circuit.layers[1]!.neurons[1] as PoolUnit).errors.subscribe((m) => {
      if (m.pushed) pushed = m.pushed;
    });
    agents.learn(x, [1, -1]);
    matrix.learn(x, [1, -1]);
    const convErrors = agents.circuit.layers[0]!.neurons.map((n) => n.Δz);
    const winners = new Set([1, 2, 12, 10]);
    convErrors.forEach((Δz, i) => {
      if (winners.has(i)) expect(Δz).not.toBe(0);
      else expect(Δz).toBe(0);
    });
    expect(convErrors).toEqual(Array.from(matrix.net.Δz[0]!));
    expect(Array.from(pushed).map((v) => v !== 0)).toEqual([true, false, false, false]); // the tie went to the first
  });

  it('an average-pool unit spreads Δz/size² over its window', () => {
    const average = parseNetSpec({
      input: [1, 4, 4],
      layers: [
        { type: 'conv', filters: 1, kernel: 1 },
        { type: 'pool', mode: 'average', size: 2 },
        { type: 'dense', units: 2 },
      ],
      loss: 'mse',
    });
    const engine = new AgentsEngine(average, initParams(average, createRandom('avg')), { rule: 'backprop' });
    const sent = new Map<object, Float64Array>();
    for (const u of engine.circuit.layers[1]!.neurons) u.errors.subscribe((m) => m.pushed && sent.set(u, m.pushed));
    engine.learn(x, [1, -1]);
    for (const u of engine.circuit.layers[1]!.neurons) {
      expect(Array.from(sent.get(u)!)).toEqual(Array(4).fill(0.25 * u.Δz));
    }
  });

  it('every rule takes pool layers, and both engines build each on a net with one', () => {
    expect(POOLING_RULES).toEqual(RULE_NAMES);
    for (const rule of RULE_NAMES)
      for (const engine of ['matrix', 'agents'] as const) createEngine(engine, spec, params, { rule });
  });
});
