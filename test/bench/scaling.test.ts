/** The sweep's arithmetic: net sizes for a synapse count, and the fitted slope of log time. */
import { describe, expect, it } from 'vitest';
import { synapsesOf, widthFor } from '../../experiments/shared/scaling.ts';
import { logLogFit, median } from '../../src/report/stats.ts';

describe('scaling sweep helpers', () => {
  it.each([1e3, 10 ** 3.5, 1e4, 1e5, 1e6])('widthFor(%d) builds an h-h-10 net within 3% of that many synapses', (S) => {
    const h = widthFor(S);
    expect(Math.abs(synapsesOf(h) - S) / S).toBeLessThan(0.03);
    expect(synapsesOf(h)).toBe(h * h + h + 10 * h + 10);
  });

  it('the log-log slope recovers the exponent of a power law, and of a line in log–log with an offset', () => {
    const S = [1e3, 1e4, 1e5, 1e6];
    const slope = (time: (s: number) => number): number => logLogFit(S, S.map(time)).slope;
    expect(slope((s) => 3e-6 * s)).toBeCloseTo(1, 12);
    expect(slope((s) => 2 * s ** 0.5)).toBeCloseTo(0.5, 12);
    // A fixed cost per pattern flattens the small end: the slope falls below 1.
    expect(slope((s) => 1e-2 + 1e-6 * s)).toBeLessThan(0.9);
  });

  it('median takes the middle repetition, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
