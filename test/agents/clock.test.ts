/**
 * The circuit's clock (src/agents/clock.ts): tasks in order of time, then first in first out;
 * time never runs backwards.
 */
import { describe, expect, it } from 'vitest';
import { AgentError, Clock } from '../../src/agents/index.ts';
import { createRandom } from '../../src/core/random.ts';

describe('the clock', () => {
  it('runs tasks in order of time, and tasks of one time in the order they came, including those they add', () => {
    const clock = new Clock();
    const random = createRandom('clock');
    const ran: [number, number][] = [];
    const times = Array.from({ length: 200 }, () => random.int(20));
    clock.run(() => {
      times.forEach((t, k) => {
        clock.at(
          t,
          () => {
            ran.push([clock.now(), k]);
            if (k % 7 === 0) clock.later(() => ran.push([clock.now(), 1000 + k]), 'later');
          },
          `task ${k}`,
        );
      });
    });
    expect(ran).toHaveLength(200 + times.filter((_, k) => k % 7 === 0).length);
    // The raw order: time never decreases; within one time, first in first out.
    for (let i = 1; i < ran.length; i++) {
      const [[t0, k0], [t1, k1]] = [ran[i - 1]!, ran[i]!];
      expect(t1).toBeGreaterThanOrEqual(t0);
      if (t1 === t0 && k0 < 1000 && k1 < 1000) expect(k1).toBeGreaterThan(k0);
    }
    ran
      .filter(([, k]) => k < 1000)
      .forEach(([t, k]) => {
        expect(t).toBe(times[k]);
      });
    // A task added with later() runs after every task handed over before it for that time.
    const position = new Map(ran.map(([, k], i) => [k, i]));
    for (const [k, i] of position) {
      if (k < 1000) continue;
      const parent = k - 1000;
      for (const [j, u] of position) {
        if (j < 1000 && times[j] === times[parent] && j > parent) expect(i).toBeGreaterThan(u);
      }
    }
  });

  it('refuses a task in the past; a task that throws stops the run, named, and the tasks left never run', () => {
    const clock = new Clock();
    clock.run(() => clock.at(5, () => {}, 'a'));
    expect(clock.now()).toBe(5);
    expect(() => clock.at(4, () => {}, 'late agent')).toThrow(/late agent: a task at time 4, before now \(5\)/);
    let ranAfter = false;
    const run = (): void =>
      clock.run(() => {
        clock.at(
          6,
          () => {
            throw new Error('boom');
          },
          'neuron (layer 0, neuron 1)',
        );
        clock.at(7, () => (ranAfter = true), 'b');
      });
    expect(run).toThrow(new AgentError('neuron (layer 0, neuron 1)', new Error('boom')).message);
    expect(ranAfter).toBe(false);
    expect(clock.waiting).toBe(0);
  });
});
