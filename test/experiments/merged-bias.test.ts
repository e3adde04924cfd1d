import { describe, expect, it } from 'vitest';
import experiment from '../../experiments/07-merged-bias.ts';
import { context } from './context.ts';

type Budget = (typeof experiment.budgets)['quick'];
const tiny: Budget = { seeds: 1, patterns: 2, perDecade: 2 };

interface Data {
  betas: number[];
  runs: { net: string; mode: string; β: number; error: number }[];
  pooled: { mode: string; slope: number; expected: number }[];
  fits: { net: string; mode: string; slope: number }[];
}

describe('experiment 07 merged-bias', () => {
  it('spans β over [1e-5, 1e-1]; the fitted slopes are 1 one-sided and 2 symmetric (±0.25), \
per net and pooled', async () => {
    const result = await experiment.run(context(experiment, tiny));
    const data = result.data as Data;
    expect(data.betas[0]).toBeCloseTo(1e-5, 15);
    expect(data.betas[data.betas.length - 1]).toBeCloseTo(1e-1, 12);
    expect(data.betas).toHaveLength(9);
    for (const p of data.pooled) expect(Math.abs(p.slope - p.expected)).toBeLessThanOrEqual(0.25);
    for (const f of data.fits) expect(Math.abs(f.slope - (f.mode === 'symmetric' ? 2 : 1))).toBeLessThanOrEqual(0.25);
    // The bias is real at finite β: at β = 0.1 no update equals the gradient.
    for (const r of data.runs.filter((q) => q.β === 0.1)) expect(r.error).toBeGreaterThan(1e-7);
    expect(Object.keys(result.specs)).toEqual(['error-vs-beta', 'per-net']);
  });

  it('gives the same data for the same seed, and different data for another seed', async () => {
    const a = JSON.stringify((await experiment.run(context(experiment, tiny))).data);
    const b = JSON.stringify((await experiment.run(context(experiment, tiny))).data);
    const c = JSON.stringify((await experiment.run(context(experiment, tiny, '2'))).data);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});
