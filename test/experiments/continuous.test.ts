import { describe, expect, it } from 'vitest';
import experiment from '../../experiments/12-continuous.ts';
import { context } from './context.ts';

type Budget = (typeof experiment.budgets)['quick'];
const tiny: Budget = { seeds: 1, patterns: 1, hOverτ: 0.5, perDecade: 1 };

interface Data {
  phaseRows: { net: string; mode: string; phase: number; vsBackprop: number; vsDiscrete: number }[];
  fits: { mode: string; slope: number; expected: number }[];
  raster: {
    times: { settled: number; end: number };
    rows: { time: number; neuron: string; phase: string; error: number; errorShare: number; activationShare: number }[];
  };
}

describe('experiment 12 continuous', () => {
  it('converges to the discrete merged rule over T/τ, keeps the β slopes, \
and shows the error share grow after the nudge', async () => {
    const result = await experiment.run(context(experiment, tiny));
    const data = result.data as Data;
    for (const net of new Set(data.phaseRows.map((r) => r.net))) {
      for (const mode of ['one-sided', 'symmetric']) {
        const rows = data.phaseRows.filter((r) => r.net === net && r.mode === mode);
        expect(rows.map((r) => r.phase)).toEqual([1, 2, 3, 5, 7, 10, 15, 20, 30]);
        expect(rows[0]!.vsDiscrete).toBeGreaterThan(0.05);
        for (let k = 1; k < rows.length - 1; k++) expect(rows[k]!.vsDiscrete).toBeLessThan(rows[k - 1]!.vsDiscrete);
        expect(rows[rows.length - 1]!.vsDiscrete).toBeLessThan(1e-6);
      }
    }
    for (const f of data.fits) expect(Math.abs(f.slope - f.expected)).toBeLessThan(0.25);
    const { rows, times } = data.raster;
    for (let k = 1; k < rows.length; k++) expect(rows[k]!.time).toBeGreaterThanOrEqual(rows[k - 1]!.time);
    expect(rows.filter((r) => r.phase === 'free').every((r) => r.error === 0)).toBe(true);
    for (const r of rows) expect(r.activationShare + r.errorShare).toBeCloseTo(1, 12);
    const late = rows.filter((r) => r.time === rows[rows.length - 1]!.time);
    expect(late).toHaveLength(6);
    expect(Math.max(...late.map((r) => r.errorShare))).toBeGreaterThan(0.01);
    expect(times.end).toBeGreaterThan(times.settled);
    expect(Object.keys(result.specs)).toEqual(['error-vs-phase', 'error-vs-beta', 'raster']);
    expect(result.html).toContain('continuous-flow');
  }, 60_000);

  it('gives the same data for the same seed, and different data for another seed', async () => {
    const a = JSON.stringify((await experiment.run(context(experiment, tiny))).data);
    const b = JSON.stringify((await experiment.run(context(experiment, tiny))).data);
    const c = JSON.stringify((await experiment.run(context(experiment, tiny, '2'))).data);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  }, 60_000);
});
