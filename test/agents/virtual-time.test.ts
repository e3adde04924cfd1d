/**
 * Virtual time and the trace (README, The agents engine): on a 2-2-1 net the output neuron carries its
 * activation at one tick and its error at a later one, and every weight update happens at the
 * tick its neuron's error arrives. The weight-update stream carries x_i·Δz_j per synapse.
 * The merged rule: the teacher's nudge, the output's state change, and that change fed back.
 */
import { describe, expect, it, vi } from 'vitest';
import { Neuron, type SoftmaxMember, type Timing, type TraceRecord } from '../../src/agents/index.ts';
import { createRandom } from '../../src/core/random.ts';
import { initParams } from '../../src/nn/params.ts';
import type { RuleOptions } from '../../src/rules/index.ts';
import { AgentsEngine } from '../../src/engines/agents-engine.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';
import type { Params } from '../../src/nn/params.ts';
import { bothEngines, close } from './compare.ts';

const spec221 = parseNetSpec({
  input: [2],
  layers: [
    { type: 'dense', units: 2, activation: 'tanh' },
    { type: 'dense', units: 1, activation: 'identity' },
  ],
  loss: 'mse',
});
const params221: Params = {
  layers: [
    { weights: Float64Array.of(0.5, -0.3, 0.8, 0.2), bias: Float64Array.of(0.1, -0.1) },
    { weights: Float64Array.of(0.7, -0.6), bias: Float64Array.of(0.05) },
  ],
};

const find = (records: TraceRecord[], kind: TraceRecord['kind'], layer: number, neuron: number): TraceRecord[] =>
  records.filter((r) => r.kind === kind && r.layer === layer && r.neuron === neuron);

describe('virtual time on a 2-2-1 net', () => {
  it('the output neuron switches from activation to error; weight updates happen at the tick the error arrives', () => {
    const engine = new AgentsEngine(spec221, params221, { rule: 'backprop' });
    const trace = engine.trace();
    engine.learn(Float64Array.of(1, -2), [0.5]);
    const records = trace.records;

    // One hop per tick: input 0, hidden 1, output 2; the teacher's nudge 3; errors 4 (output) then 5 (hidden).
    expect(find(records, 'activation', -1, 0).map((r) => r.tick)).toEqual([0]);
    expect(find(records, 'activation', 0, 1).map((r) => r.tick)).toEqual([1]);
    const [activation] = find(records, 'activation', 1, 0);
    const [nudge] = find(records, 'nudge', 1, 0);
    const [error] = find(records, 'error', 1, 0);
    expect(activation!.tick).toBe(2);
    expect(nudge).toMatchObject({ tick: 3, value: 0.5 });
    expect(error!.tick).toBe(4);
    expect(error!.tick).toBeGreaterThan(activation!.tick);
    // Output error Δz = g'(z)(y − t) with identity g: y − t.
    expect(close(error!.value, activation!.value - 0.5)).toBe(true);

    // Each hidden neuron's error arrives one hop after the output's, carrying w_j·Δz (times g'(z_j)).
    for (const j of [0, 1]) {
      const [hiddenError] = find(records, 'error', 0, j);
      const [y] = find(records, 'activation', 0, j);
      expect(hiddenError!.tick).toBe(error!.tick + 1);
      const w = params221.layers[1]!.weights[j]!;
      expect(close(hiddenError!.value, w * error!.value * (1 - y!.value * y!.value))).toBe(true);
    }

    // Every weight-update record sits at the tick of its neuron's error, and carries x_i·Δz_j.
    const updates = records.filter((r) => r.kind === 'weight-update');
    expect(updates).toHaveLength(2 * 3 + 1 * 3); // (2 inputs + bias) × 2 hidden, (2 hidden + bias) × 1 output
    for (const u of updates) {
      const [own] = find(records, 'error', u.layer, u.neuron);
      expect(u.tick).toBe(own!.tick);
      const x = u.pre === -1 ? 1 : find(records, 'activation', u.layer - 1, u.pre!)[0]!.value;
      expect(close(u.value, x * own!.value)).toBe(true);
    }
  });

  it('ticks run on across patterns; the softmax group exchanges lateral messages beside the teacher', () => {
    const spec = parseNetSpec({
      input: [2],
      layers: [
        { type: 'dense', units: 2, activation: 'tanh' },
        { type: 'dense', units: 3, activation: 'identity' },
      ],
      loss: 'softmax-cross-entropy',
    });
    const params: Params = {
      layers: [
        { weights: Float64Array.of(1, 2, 3, 4), bias: Float64Array.of(0, 0) },
        { weights: Float64Array.of(1, -1, 0.5, 0.5, -1, 1), bias: Float64Array.of(0, 0, 0) },
      ],
    };
    const engine = new AgentsEngine(spec, params, { rule: 'backprop' });
    const trace = engine.trace();
    engine.learn(Float64Array.of(0.2, -0.1), [0, 1, 0]);
    const start = engine.now;
    engine.learn(Float64Array.of(0.3, 0.4), [1, 0, 0]);
    const [first, second] = [trace.records.filter((r) => r.tick < start), trace.records.filter((r) => r.tick >= start)];
    expect(Math.max(...first.map((r) => r.tick))).toBeLessThan(start);
    for (const records of [first, second]) {
      const t0 = Math.min(...records.map((r) => r.tick));
      const lateral = records.filter((r) => r.kind === 'lateral' && r.neuron === 1).map((r) => r.tick - t0);
      expect(lateral).toEqual([2, 3]); // y_j with the activation (tick L), then e^(y_j − m)
      expect(find(records, 'nudge', 1, 1).map((r) => r.tick - t0)).toEqual([3]);
      expect(find(records, 'error', 1, 1).map((r) => r.tick - t0)).toEqual([4]);
    }
    // The second lateral round sums to the softmax denominator: p_j = e_j / Σ e_k.
    const round2 = second
      .filter((r) => r.kind === 'lateral')
      .sort((a, b) => b.tick - a.tick)
      .slice(0, 3);
    const Σ = round2.reduce((s, r) => s + r.value, 0);
    const e1 = round2.find((r) => r.neuron === 1)!.value;
    expect(close(engine.prediction[1]!, e1 / Σ)).toBe(true);
  });

  it('recording is off by default and free when off: no events are built, and stop() ends it', () => {
    const engine = new AgentsEngine(spec221, params221, { rule: 'backprop' });
    const neurons = engine.circuit.layers.flatMap((l) => l.neurons);
    const show = vi.spyOn(Neuron.prototype as unknown as { show: (tick: number) => void }, 'show');
    engine.learn(Float64Array.of(1, 2), [0]);
    // Nothing observes the dense neurons' weight updates, so their events were never built.
    expect(show).not.toHaveBeenCalled();
    const trace = engine.trace();
    engine.learn(Float64Array.of(1, 2), [0]);
    const recorded = trace.records.length;
    expect(recorded).toBeGreaterThan(0);
    trace.stop();
    engine.learn(Float64Array.of(1, 2), [0]);
    expect(trace.records.length).toBe(recorded);
    for (const n of neurons) expect(n.updates.observed).toBe(false);
    expect(show).toHaveBeenCalledTimes(3); // only while the trace recorded: the second pattern, 3 neurons
    show.mockRestore();
  });

  it('a trace attached after the first pattern loses no record of the later ones', () => {
    const rules = [
      { rule: 'backprop' },
      { rule: 'merged', symmetric: true },
      { rule: 'predictive-coding', steps: 3 },
    ] as const;
    for (const rule of rules) {
      const early = new AgentsEngine(spec221, params221, rule);
      const late = new AgentsEngine(spec221, params221, rule);
      const fromStart = early.trace();
      early.learn(Float64Array.of(1, 2), [0]);
      late.learn(Float64Array.of(1, 2), [0]);
      const start = early.now;
      const attached = late.trace();
      for (const engine of [early, late]) {
        engine.step(0.1);
        engine.learn(Float64Array.of(-1, 0.5), [1]);
      }
      const later = fromStart.records.filter((r) => r.tick >= start);
      expect(later.length, rule.rule).toBeGreaterThan(10);
      expect(attached.records, rule.rule).toEqual(later);
    }
  });

  it('the weight-update stream: per-synapse events sum to the gradient (conv: over all positions of a kernel)', () => {
    const spec = parseNetSpec({
      input: [1, 5, 5],
      layers: [
        { type: 'conv', filters: 2, kernel: 3, stride: 2, padding: 1, activation: 'relu' },
        { type: 'dense', units: 3, activation: 'identity' },
      ],
      loss: 'softmax-cross-entropy',
    });
    const params: Params = {
      layers: [
        { weights: Float64Array.from({ length: 18 }, (_, k) => Math.sin(k + 1)), bias: Float64Array.of(0.1, -0.2) },
        { weights: Float64Array.from({ length: 54 }, (_, k) => Math.cos(k)), bias: Float64Array.of(0, 0.1, 0) },
      ],
    };
    const x = Float64Array.from({ length: 25 }, (_, k) => ((k * 7) % 11) / 10 - 0.3);
    const t = [0, 0, 1];
    const { matrix, agents } = bothEngines(spec, params);
    const sums = [new Float64Array(18), new Float64Array(54)];
    const biases = [new Float64Array(2), new Float64Array(3)];
    const taps = agents.circuit.layers[0]!.neurons.map((n) => (n as unknown as { tap: Int32Array }).tap);
    const subscription = agents.synapseUpdates$.subscribe((u) => {
      if (u.layer === 0) {
        // Position u.post of filter f: its synapse to input u.pre is tied to kernel entry tap.
        const f = Math.floor(u.post / 9);
        if (u.pre === -1) biases[0]![f] += u.xΔz;
        else {
          const pre = agents.circuit.layers[0]!.neurons[u.post]!.pre!;
          sums[0]![f * 9 + taps[u.post]![pre.indexOf(u.pre)]!] += u.xΔz;
        }
      } else if (u.pre === -1) biases[1]![u.post] += u.xΔz;
      else sums[1]![u.post * 18 + u.pre] += u.xΔz;
    });
    agents.learn(x, t);
    subscription.unsubscribe();
    const g = matrix.gradient([x], [t]).gradients;
    for (const l of [0, 1]) {
      g.layers[l]!.weights.forEach((v, k) => {
        expect(close(v, sums[l]![k]!), `layer ${l} weight ${k}`).toBe(true);
      });
      g.layers[l]!.bias.forEach((v, k) => {
        expect(close(v, biases[l]![k]!), `layer ${l} bias ${k}`).toBe(true);
      });
    }
  });
});

describe('the trace in scheduled mode: delivery order, as emitted', () => {
  const spec = parseNetSpec({
    input: [3],
    layers: [
      { type: 'dense', units: 4, activation: 'tanh' },
      { type: 'dense', units: 3, activation: 'relu' },
      { type: 'dense', units: 3, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  });
  const params = initParams(spec, createRandom('trace order'));

  const rules: RuleOptions[] = [
    { rule: 'backprop' },
    { rule: 'merged', symmetric: true },
    { rule: 'predictive-coding', steps: 3 },
  ];
  for (const rule of rules) {
    it(`${rule.rule}: time never decreases in the raw records; each is its send time + its connection's delay`, () => {
      const random = createRandom('trace order/delays');
      const timing: Timing = { mode: 'scheduled', delay: 1, jitter: [1, 4], random };
      const engine = new AgentsEngine(spec, params, rule, {}, timing);
      const sync = new AgentsEngine(spec, params, rule);
      const [trace, syncTrace] = [engine.trace(), sync.trace()];
      for (const e of [engine, sync]) {
        e.learn(Float64Array.of(0.5, -1, 2), [0, 0, 1]);
        e.step(0.1);
        e.learn(Float64Array.of(-0.3, 0.2, 0.1), [1, 0, 0]);
      }
      const raw = (trace as unknown as { log: TraceRecord[] }).log; // as emitted, before any copy
      expect(raw).toEqual(trace.records);
      expect(raw).toHaveLength(syncTrace.records.length); // no record lost or added by the scheduling
      const { circuit } = engine;
      /** The axon a record's message was sent on; the recorder's connection is its last. */
      const axon = (r: TraceRecord): { connectionDelays: readonly number[] } => {
        if (r.kind === 'nudge') return circuit.teacher.nudges;
        if (r.kind === 'lateral') return (circuit.roles[r.neuron] as SoftmaxMember).lateral;
        if (r.layer === -1) return circuit.input;
        const n = circuit.layers[r.layer]!.neurons[r.neuron]!;
        return r.kind === 'activation' ? n.axon : r.kind === 'error' ? n.errors : n.updates;
      };
      const delays = new Set<number>();
      raw.forEach((r, k) => {
        if (k > 0) expect(r.tick, `record ${k}`).toBeGreaterThanOrEqual(raw[k - 1]!.tick);
        const delay = axon(r).connectionDelays.at(-1)!;
        delays.add(delay);
        expect(r.tick, `record ${k}: ${JSON.stringify(r)}`).toBe(r.sent! + delay);
      });
      expect(delays.size).toBeGreaterThan(1); // the delays differ between connections
    });
  }
});

describe('virtual time of the merged rule on a 2-2-1 net', () => {
  const x = Float64Array.of(1, -2);
  const t = 0.5;
  const β = 0.5;
  const g = Math.tanh; // the hidden layer's activation (a = b = 1)
  const z = [0, 1].map(
    (j) =>
      params221.layers[0]!.bias[j]! +
      params221.layers[0]!.weights[2 * j]! * x[0]! +
      params221.layers[0]!.weights[2 * j + 1]! * x[1]!,
  );
  const w = params221.layers[1]!.weights;

  /** One learned pattern; the trace's records. */
  function learn(symmetric: boolean): TraceRecord[] {
    const engine = new AgentsEngine(spec221, params221, { rule: 'merged', beta: β, symmetric });
    const trace = engine.trace();
    engine.learn(x, [t]);
    const records = trace.records;
    expect(engine.now).toBeGreaterThan(Math.max(...records.map((r) => r.tick)));
    return records;
  }

  it("one-sided: the nudge at tick 3, the output's state change at 4, fed back to the hidden neurons at 5", () => {
    const records = learn(false);
    const [y] = find(records, 'activation', 1, 0);
    expect(y!.tick).toBe(2);
    expect(find(records, 'nudge', 1, 0)).toMatchObject([{ tick: 3, value: t }]);
    // The output's one state variable moves from y to v = g(z − β·(y − t)) (identity g): the change c = v − y.
    const [out] = find(records, 'error', 1, 0);
    expect(out!.tick).toBe(4);
    const c = y!.value - β * (y!.value - t) - y!.value;
    expect(close(out!.value, c)).toBe(true);
    for (const j of [0, 1]) {
      // Hidden j hears w_j·c one hop later and re-evaluates its own nonlinearity on the shifted potential.
      const [hidden] = find(records, 'error', 0, j);
      expect(hidden!.tick).toBe(5);
      const cj = g(z[j]! + w[j]! * c) - g(z[j]!);
      expect(close(hidden!.value, cj)).toBe(true);
      expect(Math.abs(hidden!.value - (1 - g(z[j]!) ** 2) * w[j]! * c)).toBeGreaterThan(1e-6); // not linearised
    }
    // Each synapse updates at its neuron's change, from its presynaptic trace × (y − v)/β.
    for (const u of records.filter((r) => r.kind === 'weight-update')) {
      const [own] = find(records, 'error', u.layer, u.neuron);
      expect(u.tick).toBe(own!.tick);
      const pre = u.pre === -1 ? 1 : find(records, 'activation', u.layer - 1, u.pre!)[0]!.value;
      expect(close(u.value, pre * (-own!.value / β))).toBe(true);
    }
  });

  it('symmetric: a second nudge one tick later (−β); each neuron learns when its second change is in', () => {
    const records = learn(true);
    expect(find(records, 'nudge', 1, 0).map((r) => r.tick)).toEqual([3, 4]);
    const [y] = find(records, 'activation', 1, 0);
    const [plus, minus] = find(records, 'error', 1, 0);
    expect([plus!.tick, minus!.tick]).toEqual([4, 5]);
    expect(close(plus!.value, -β * (y!.value - t))).toBe(true);
    expect(close(minus!.value, β * (y!.value - t))).toBe(true);
    for (const j of [0, 1]) {
      const changes = find(records, 'error', 0, j);
      expect(changes.map((r) => r.tick)).toEqual([5, 6]);
      expect(close(changes[0]!.value, g(z[j]! + w[j]! * plus!.value) - g(z[j]!))).toBe(true);
      expect(close(changes[1]!.value, g(z[j]! + w[j]! * minus!.value) - g(z[j]!))).toBe(true);
    }
    for (const u of records.filter((r) => r.kind === 'weight-update')) {
      const [c1, c2] = find(records, 'error', u.layer, u.neuron);
      expect(u.tick).toBe(c2!.tick);
      const pre = u.pre === -1 ? 1 : find(records, 'activation', u.layer - 1, u.pre!)[0]!.value;
      expect(close(u.value, pre * ((c2!.value - c1!.value) / (2 * β)))).toBe(true);
    }
  });
});
