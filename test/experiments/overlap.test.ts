import { describe, expect, it } from 'vitest';
import experiment from '../../experiments/13-overlap.ts';
import { context } from './context.ts';

type Budget = (typeof experiment.budgets)['quick'];
const tiny: Budget = { seeds: 2, epochs: 1, limit: 80, η: 0.02, probeEvery: 8, agentsPatterns: 30 };

interface Data {
  runs: { seed: number; inFlight: number; P: number; weights: string; testAccuracy: number; angles: number[] }[];
  agents: { maxDifference: number; patterns: number }[];
}

describe('experiment 13 overlap', () => {
  it('runs every arm on every seed; one in flight is plain SGD; the agents engine equals the matrix form', async () => {
    const result = await experiment.run(context(experiment, tiny));
    const data = result.data as Data;
    expect(data.runs).toHaveLength(2 * 5 * 2);
    expect([...new Set(data.runs.map((r) => r.inFlight))]).toEqual([1, 2, 4, 8, 16]);
    for (const r of data.runs.filter((r) => r.inFlight === 1)) expect(r.angles).toEqual([0, 0]);
    for (const r of data.runs.filter((r) => r.inFlight === 16)) for (const a of r.angles) expect(a).toBeGreaterThan(0);
    // Every arm of a seed starts from the same weights with the same order: one in flight, stale = stash.
    for (const seed of [0, 1]) {
      const [stale, stash] = ['stale', 'stash'].map((w) =>
        data.runs.find((r) => r.seed === seed && r.inFlight === 1 && r.weights === w),
      );
      expect(stale!.testAccuracy).toBe(stash!.testAccuracy);
    }
    expect(data.agents.map((a) => a.patterns)).toEqual([30, 30]);
    for (const a of data.agents) expect(a.maxDifference).toBeLessThanOrEqual(1e-12);
    expect(Object.keys(result.specs)).toEqual(['accuracy', 'update-angle']);
    const claims = experiment.claims!(result.data, undefined);
    expect(claims.map((c) => c.text).join(' ')).toContain('in flight');
  });
});
