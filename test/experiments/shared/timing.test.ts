/** The one timing harness: cases take turns repetition by repetition, and a fixed count is kept. */
import { describe, expect, it } from 'vitest';
import { takeTurns, TimedCase } from '../../../experiments/shared/timing.ts';

describe('timing harness', () => {
  it('runs every case once per repetition, in turn, continuing where each left off', async () => {
    const log: string[] = [];
    const work = (name: string): TimedCase =>
      new TimedCase({ run: (start, count) => void log.push(`${name}:${start}+${count}`) });
    const [a, b] = [work('a'), work('b')];
    await a.warmUpFixed(3);
    await b.warmUpFixed(5);
    await takeTurns([a, b], 2);
    expect(log).toEqual(['a:0+3', 'b:0+5', 'a:3+3', 'b:5+5', 'a:6+3', 'b:10+5']);
    expect([a.patterns, b.patterns]).toEqual([3, 5]);
    expect(a.wall).toHaveLength(2);
    expect(a.cpu).toHaveLength(2);
  });

  it('a warm-up by time chooses N from the rate, and the loss is Σ E / N', async () => {
    // Work in proportion to the count, E = 2 per unit.
    const c = new TimedCase(
      {
        run: (_, count) => {
          let E = 0;
          for (let k = 0; k < count; k++) E += 2;
          return E;
        },
      },
      4,
    );
    await c.warmUp({ warmupSeconds: 0.01, repSeconds: 0.01, reps: 1 });
    expect(c.patterns % 4).toBe(0);
    expect(c.patterns).toBeGreaterThan(0);
    expect(c.firstStepLoss).toBe(2);
    await c.repetition();
    expect(c.result().lastRepLoss).toBe(2);
  });
});
