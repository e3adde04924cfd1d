/**
 * Locality in continuous time: a leaky neuron owns its weights, state and traces and reaches the rest only
 * through streams and the clock. Nothing reachable from it (stopping at streams and functions) is another
 * neuron, the teacher or the engine, and its weight array is its own copy.
 */
import { Observable, Subscriber } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { LeakyNeuron } from '../../src/agents/leaky-neuron.ts';
import { LeakyTeacher } from '../../src/agents/leaky-teacher.ts';
import { createRandom } from '../../src/core/random.ts';
import { ContinuousEngine } from '../../src/engines/index.ts';
import { initParams } from '../../src/nn/params.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';

function reachable(root: object): unknown[] {
  const seen = new Set<unknown>([root]);
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop()!;
    if (value !== root && (value instanceof Observable || value instanceof Subscriber)) continue;
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

describe('locality (leaky neurons)', () => {
  const spec = parseNetSpec({
    input: [3],
    layers: [
      { type: 'dense', units: 4, activation: 'tanh' },
      { type: 'dense', units: 2, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  });
  const params = initParams(spec, createRandom('leaky-locality'));
  const engine = new ContinuousEngine(
    spec,
    params,
    { β: 0.01, symmetric: true },
    { τ: 1, h: 0.25, T: 2, settle: 1e-12 },
  );
  engine.learn(Float64Array.of(0.3, -0.2, 0.9), [0, 1]);
  const neurons = engine.circuit.layers.flat();

  it('reaches no other neuron, no teacher and no engine (control: the engine reaches them all)', () => {
    const fromEngine = reachable(engine);
    expect(neurons.every((n) => fromEngine.includes(n))).toBe(true);
    for (const n of neurons) {
      const seen = reachable(n);
      expect(seen.filter((v) => v !== n && v instanceof LeakyNeuron)).toEqual([]);
      expect(seen.some((v) => v instanceof LeakyTeacher || v instanceof ContinuousEngine)).toBe(false);
    }
  });

  it('holds its own copy of its weights', () => {
    const buffers = neurons.map((n) => n.w.buffer);
    expect(new Set(buffers).size).toBe(neurons.length);
    for (const l of params.layers) expect(buffers).not.toContain(l.weights.buffer);
  });
});
