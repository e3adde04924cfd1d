/**
 * Locality (README, The agents engine): a neuron owns its incoming synapses and its state, and nothing else. It
 * holds no reference to another neuron, a kernel agent, the teacher or the engine, and no weight
 * array but its own; its weights (and fixed feedback weights, FA/DFA) are its own copies: in a dense
 * layer its row of the layer's memory, which it reaches its peers' rows beside only through the layer's
 * lockstep kernel (layer-rows.ts), as it reaches other agents only through streams. Checked for every rule. Shared memory too: a message is never changed
 * after it is sent (each is frozen as it is sent, and its arrays are compared with copies taken then),
 * and a neuron's trace x is a volley it was sent, so a read-only view that nobody changes while it is held.
 */
import { Observable, Subscriber } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { Axon, ErrorTract, KernelAgent, Neuron, Teacher, Tract } from '../../src/agents/index.ts';
import { LayerRows } from '../../src/agents/layer-rows.ts';
import { AgentsEngine } from '../../src/engines/agents-engine.ts';
import { createRandom } from '../../src/core/random.ts';
import type { RuleOptions } from '../../src/rules/index.ts';
import { initParams } from '../../src/nn/params.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';

const spec = parseNetSpec({
  input: [2, 6, 6],
  layers: [
    { type: 'conv', filters: 3, kernel: 3, stride: 2, padding: 1, activation: 'relu' },
    { type: 'dense', units: 5, activation: 'tanh' },
    { type: 'dense', units: 4, activation: 'identity' },
  ],
  loss: 'softmax-cross-entropy',
});

/**
 * Everything reachable from `root` through plain objects, arrays and typed arrays — stopping at
 * streams (Observables, Subscribers), which are how a neuron talks, at its layer's lockstep kernel,
 * and at functions.
 */
function reachable(root: object): unknown[] {
  const seen = new Set<unknown>([root]);
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop()!;
    if (value !== root && (value instanceof Observable || value instanceof Subscriber || value instanceof LayerRows))
      continue;
    if (ArrayBuffer.isView(value) || typeof value !== 'object' || value === null) continue;
    for (const v of Object.values(value)) {
      if (typeof v === 'object' && v !== null && !seen.has(v)) {
        seen.add(v);
        stack.push(v);
      }
    }
  }
  return [...seen];
}

/** Whether two views share a byte of memory. */
function overlap(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return (
    a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength
  );
}

/** Every message sent on any axon while `run` runs: frozen as it is sent; its arrays, with copies taken then. */
function recordMessages(run: () => void): { sent: [ArrayBufferView, ArrayBufferView][]; messages: number } {
  const sent: [ArrayBufferView, ArrayBufferView][] = [];
  let messages = 0;
  const next = Axon.prototype.next;
  const spy = vi.spyOn(Axon.prototype, 'next').mockImplementation(function (this: Axon<unknown>, value: unknown) {
    if (typeof value === 'object' && value !== null) {
      messages++;
      for (const v of Object.values(value)) if (ArrayBuffer.isView(v)) sent.push([v, (v as Float64Array).slice()]);
      Object.freeze(value); // a sender that writes it again throws (ES modules are strict)
    }
    next.call(this, value);
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return { sent, messages };
}

/** The arrays sent in messages that differ now from their copies taken when they were sent. */
function changedSince(sent: [ArrayBufferView, ArrayBufferView][]): number {
  return sent.filter(([now, then]) => {
    const [a, b] = [now as Float64Array, then as Float64Array];
    return a.length !== b.length || a.some((v, k) => !Object.is(v, b[k]));
  }).length;
}

const RULES: RuleOptions[] = [
  { rule: 'backprop' },
  { rule: 'feedback-alignment' },
  { rule: 'direct-feedback-alignment' },
  { rule: 'merged', symmetric: true },
  { rule: 'predictive-coding', steps: 3 },
];

describe.each(RULES)('locality ($rule)', (rule) => {
  const params = initParams(spec, createRandom('locality'));
  const engine = new AgentsEngine(spec, params, rule);
  engine.learn(
    Float64Array.from({ length: 72 }, (_, k) => Math.sin(k)),
    [0, 1, 0, 0],
  );
  const neurons = engine.circuit.layers.flatMap((l) => [...l.neurons]);
  const kernels = engine.circuit.layers.flatMap((l) => [...l.kernels]);
  const feedbackArrays = new Set<ArrayBufferLike>(
    neurons.flatMap((n) => (n.backWeights === null ? [] : [n.backWeights.buffer])),
  );
  const weightArrays = new Set<ArrayBufferLike>([
    ...neurons.map((n) => n.w.buffer),
    ...kernels.map((k) => k.weights.buffer),
    ...params.layers.map((l) => l.weights.buffer),
  ]);

  it('a neuron reaches no other agent and no weights but its own, except through streams', () => {
    for (const neuron of neurons) {
      const owned = reachable(neuron);
      for (const v of owned) {
        if (v === neuron) continue;
        expect(
          v instanceof Neuron ||
            v instanceof KernelAgent ||
            v instanceof Teacher ||
            v instanceof Tract ||
            v instanceof ErrorTract ||
            v instanceof AgentsEngine,
          `neuron ${neuron.layer}/${neuron.index} holds a ${(v as object).constructor?.name}`,
        ).toBe(false);
        if (ArrayBuffer.isView(v)) {
          const buffer = (v as Float64Array).buffer;
          if (weightArrays.has(buffer)) {
            expect(buffer, `neuron ${neuron.layer}/${neuron.index} reaches weights not its own`).toBe(neuron.w.buffer);
            const others = neurons.filter((n) => n !== neuron && overlap(n.w, v));
            expect(others.length, `neuron ${neuron.layer}/${neuron.index} reaches another's row`).toBe(0);
          }
          if (feedbackArrays.has(buffer))
            expect(buffer, `neuron ${neuron.layer}/${neuron.index} reaches feedback weights not its own`).toBe(
              neuron.backWeights?.buffer,
            );
        }
      }
    }
  });

  it('shared memory: no message (nor its arrays) changes after it is sent; a trace x is a volley it was sent', () => {
    const engine = new AgentsEngine(spec, initParams(spec, createRandom('shared-memory')), rule);
    const trace = engine.trace(); // observers make the neurons build the messages only they read
    const random = createRandom('shared-memory/patterns');
    const pattern = (): Float64Array => Float64Array.from({ length: 72 }, () => random.normal());
    const { sent, messages } = recordMessages(() => {
      for (let step = 0; step < 3; step++) {
        for (let p = 0; p < 2; p++) engine.learn(pattern(), [0, 0, p, 1 - p]);
        engine.step(0.05);
      }
      engine.evaluate(pattern(), [1, 0, 0, 0]);
      engine.gradient(
        [pattern(), pattern()],
        [
          [0, 1, 0, 0],
          [0, 0, 1, 0],
        ],
      );
    });
    trace.stop();
    expect(messages).toBeGreaterThan(100);
    expect(sent.length).toBeGreaterThan(20);
    expect(changedSince(sent)).toBe(0);
    const payloads = new Set(sent.map(([a]) => a));
    for (const n of engine.circuit.layers.flatMap((l) => l.neurons)) {
      expect(payloads.has(n.x), `neuron ${n.layer}/${n.index}'s x`).toBe(true);
    }
    // The comparison sees a change: write into one array that was sent.
    (sent[0]![0] as Float64Array)[0] += 1;
    expect(changedSince(sent)).toBe(1);
  });

  it('its weights are its own: exactly its fan-in, sharing no byte with anyone (fixed feedback weights too)', () => {
    const owned = neurons.flatMap((n) => (n.backWeights === null ? [n.w] : [n.w, n.backWeights]));
    owned.forEach((a, k) => {
      expect(owned.filter((b, l) => l !== k && overlap(a, b))).toEqual([]);
    });
    for (const a of owned) expect(params.layers.some((l) => overlap(a, l.weights))).toBe(false);
    const first = engine.circuit.layers[1]!.neurons[0]!;
    expect(first.w.length).toBe(3 * 3 * 3); // fan-in: the conv layer's 3 filters × 3 × 3 positions
    // Two-phase rules: a layer's rows lie side by side in one memory (layer-rows.ts); the check sees a shared byte.
    const [a, b] = engine.circuit.layers[1]!.neurons;
    const lockstep = rule.rule === 'backprop' || rule.rule.includes('feedback-alignment');
    expect(a!.w.buffer === b!.w.buffer).toBe(lockstep);
    expect(overlap(new Float64Array(a!.w.buffer), b!.w)).toBe(lockstep);
    expect(overlap(a!.w, a!.w.subarray(a!.w.length - 1))).toBe(true);
  });

  it('the engine copies params in: changing them afterwards changes no neuron', () => {
    const before = engine.snapshot();
    for (const l of params.layers) l.weights.fill(42);
    const after = engine.snapshot();
    after.layers.forEach((l, i) => {
      expect(Array.from(l.weights)).toEqual(Array.from(before.layers[i]!.weights));
    });
  });

  it('conv positions hold their own copies of the tied kernel, kept equal by the kernel agent after a step', () => {
    engine.step(0.1);
    const conv = engine.circuit.layers[0]!;
    for (const n of conv.neurons) {
      const tap = (n as unknown as { tap: Int32Array }).tap;
      const kernel = conv.kernels[Math.floor(n.index / 9)]!;
      expect(n.w.buffer).not.toBe(kernel.weights.buffer);
      n.w.forEach((w, t) => {
        expect(w).toBe(kernel.weights[tap[t]!]);
      });
      expect(n.b).toBe(kernel.bias);
    }
  });
});
