import { describe, expect, it } from 'vitest';
import experiment from '../../experiments/06-equivalence.ts';
import { context } from './context.ts';

type Budget = (typeof experiment.budgets)['quick'];
const tiny: Budget = { steps: 3, seeds: 1 };

interface Data {
  rules: { label: string }[];
  histogram: { rule: string; bin: string; count: number }[];
  runs: {
    rule: string;
    net: string;
    batch: number;
    steps: number;
    weights: number;
    comparisons: number;
    maxDifference: number;
    zeros: number;
  }[];
  perStep: { rule: string; step: number; maxDifference: number }[];
}

describe('experiment 06 equivalence', () => {
  it('back-prop in the agents engine matches the matrix engine to ≤ 1e-12 on every weight after every step, \
dense and conv, B = 1 and 4', async () => {
    const result = await experiment.run(context(experiment, tiny));
    const data = result.data as Data;
    const bp = data.runs.filter((r) => r.rule === 'backprop');
    expect(bp.length).toBe(5 * 2);
    expect(new Set(bp.map((r) => r.batch))).toEqual(new Set([1, 4]));
    expect(bp.some((r) => r.net.startsWith('conv'))).toBe(true);
    for (const r of bp) {
      expect(r.maxDifference).toBeLessThanOrEqual(1e-12);
      expect(r.comparisons).toBe(r.weights * r.steps);
    }
    expect(data.perStep.filter((s) => s.rule === 'backprop')).toHaveLength(bp.length * tiny.steps);
    // The histogram counts every comparison once.
    const counted = data.histogram.filter((h) => h.rule === 'backprop').reduce((a, h) => a + h.count, 0);
    expect(counted).toBe(bp.reduce((a, r) => a + r.comparisons, 0));
    const zeros = data.histogram.find((h) => h.rule === 'backprop' && h.bin === 'exactly 0')!.count;
    expect(zeros).toBe(bp.reduce((a, r) => a + r.zeros, 0));
  });

  it('every rule either ran or is listed as skipped in the notes', async () => {
    const result = await experiment.run(context(experiment, tiny));
    const data = result.data as Data;
    for (const { label } of data.rules) {
      const ran = data.runs.some((r) => r.rule === label);
      const noted = (result.notes ?? []).some((n) => n.startsWith(`rule ${label}: skipped`));
      expect(ran !== noted).toBe(true);
    }
  });
});
