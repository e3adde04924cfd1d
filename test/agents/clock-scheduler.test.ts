/**
 * The clock as an RxJS SchedulerLike (the leaky mode's Euler steps): VirtualTimeScheduler's order, bit for bit.
 */
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Clock } from '../../src/agents/clock.ts';
import { createRandom } from '../../src/core/random.ts';
import { ContinuousEngine } from '../../src/engines/index.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';
import { paramsWithBiases, randomPatterns } from '../../experiments/shared/random-nets.ts';

describe('the clock as an RxJS scheduler', () => {
  it('runs actions in order of due time, ties in the order scheduled, with time jumping to each', () => {
    const clock = new Clock();
    const log: string[] = [];
    const at = (name: string) => () => log.push(`${name}@${clock.now()}`);
    clock.schedule(at('c'), 2);
    clock.schedule(at('a'), 1);
    clock.schedule(() => {
      log.push(`b@${clock.now()}`);
      clock.schedule(at('d'), 1); // due at 2, after c (scheduled earlier)
      clock.schedule(at('b2'), 0);
    }, 1);
    clock.schedule(at('a2'), 1);
    clock.flush();
    expect(log).toEqual(['a@1', 'b@1', 'a2@1', 'b2@1', 'c@2', 'd@2']);
    expect(clock.waiting).toBe(0);
  });

  it('skips an unsubscribed action, and stops the flush at an exception, dropping the queue', () => {
    const clock = new Clock();
    const log: number[] = [];
    clock.schedule(() => log.push(1), 1).unsubscribe();
    clock.schedule(() => {
      throw new Error('boom');
    }, 2);
    clock.schedule(() => log.push(3), 3);
    expect(() => clock.flush()).toThrow('boom');
    expect(log).toEqual([]);
    expect(clock.waiting).toBe(0);
  });

  it("drives the continuous engine exactly as RxJS's VirtualTimeScheduler does (bit for bit)", () => {
    const spec = parseNetSpec({
      input: [4],
      layers: [
        { type: 'dense', units: 5, activation: 'tanh' },
        { type: 'dense', units: 3, activation: 'identity' },
      ],
      loss: 'softmax-cross-entropy',
    });
    const random = createRandom('clock-test');
    const params = paramsWithBiases(spec, random.derive('params'), 0.3);
    const { inputs, targets } = randomPatterns(spec, 2, random.derive('patterns'));
    const settings = { τ: 1, h: 0.25, T: 4, settle: 1e-12 };
    const ours = new ContinuousEngine(spec, params, { β: 0.05, symmetric: true }, settings).gradient(inputs, targets);
    const rxjs = new ContinuousEngine(
      spec,
      params,
      { β: 0.05, symmetric: true },
      settings,
      new VirtualTimeScheduler(),
    ).gradient(inputs, targets);
    expect(rxjs.loss).toBe(ours.loss);
    ours.gradients.layers.forEach((l, k) => {
      expect(Array.from(rxjs.gradients.layers[k]!.weights)).toEqual(Array.from(l.weights));
      expect(Array.from(rxjs.gradients.layers[k]!.bias)).toEqual(Array.from(l.bias));
    });
    // A different schedule (another step) gives different bits: the comparison can see a difference.
    const other = new ContinuousEngine(spec, params, { β: 0.05, symmetric: true }, { ...settings, h: 0.2 }).gradient(
      inputs,
      targets,
    );
    expect(Array.from(other.gradients.layers[0]!.weights)).not.toEqual(Array.from(ours.gradients.layers[0]!.weights));
  });
});
