/**
 * PendingUpdates: the batching bookkeeping gives the numbers of the plain sum, bit for bit:
 * gw = Σ_p x_p Δz_p into a zeroed sum in pattern order, w ← w − (η/B)·gw, b ← b − (η/B)·Σ_p Δz_p.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PendingUpdates } from '../../src/agents/pending-updates.ts';

const value = fc.double({ min: -2, max: 2, noNaN: true });

/** The plain reference: every pattern summed, then one step. */
type Step = { w: number[]; b: number };

function plainStep(w0: number[], b0: number, xs: number[][], Δzs: number[], scale: number): Step {
  const gw = new Float64Array(w0.length);
  let gb = 0;
  xs.forEach((x, p) => {
    for (let i = 0; i < gw.length; i++) gw[i] += x[i]! * Δzs[p]!;
    gb += Δzs[p]!;
  });
  return { w: w0.map((w, i) => w - scale * gw[i]!), b: b0 - scale * gb };
}

/** The same patterns through PendingUpdates, the weights written (`viaSum`: in the pass of the next forward sum). */
function pendingStep(
  w0: number[],
  b0: number,
  xs: number[][],
  Δzs: number[],
  scale: number,
  viaSum: boolean,
): Step & { z: number | null } {
  const w = Float64Array.from(w0);
  const pending = new PendingUpdates(w, null);
  xs.forEach((x, p) => {
    pending.release();
    pending.learn(Float64Array.from(x), true, Δzs[p]!);
  });
  const b = b0 - scale * pending.boundary(scale);
  const next = Float64Array.from(w0, (_, i) => Math.cos(i));
  const z = viaSum ? pending.writeDueAndSum(b, next) : null;
  pending.writeDue();
  return { w: Array.from(w), b, z };
}

describe('PendingUpdates', () => {
  const batch = fc.integer({ min: 1, max: 6 }).chain((n) =>
    fc.record({
      w: fc.array(value, { minLength: n, maxLength: n }),
      b: value,
      patterns: fc.array(fc.record({ x: fc.array(value, { minLength: n, maxLength: n }), Δz: value }), {
        minLength: 1,
        maxLength: 4,
      }),
      scale: fc.double({ min: 1e-3, max: 1, noNaN: true }),
      viaSum: fc.boolean(),
    }),
  );

  it('equals the plain sum-then-step bit for bit, for one pattern (rank one) and for several (the sum)', () => {
    fc.assert(
      fc.property(batch, ({ w, b, patterns, scale, viaSum }) => {
        const xs = patterns.map((p) => p.x);
        const Δzs = patterns.map((p) => p.Δz);
        const want = plainStep(w, b, xs, Δzs, scale);
        const got = pendingStep(w, b, xs, Δzs, scale, viaSum);
        expect(got.w).toEqual(want.w);
        expect(got.b).toBe(want.b);
        if (got.z !== null) {
          let z = got.b;
          got.w.forEach((wi, i) => {
            z += wi * Math.cos(i);
          });
          expect(got.z).toBe(z);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('sees a difference: dropping the last pattern changes the weights (negative control)', () => {
    const w = [0.5, -0.25, 1];
    const xs = [
      [1, 2, 3],
      [0.5, -1, 2],
    ];
    const Δzs = [0.3, -0.7];
    const full = pendingStep(w, 0, xs, Δzs, 0.1, false);
    const short = plainStep(w, 0, xs.slice(0, 1), Δzs.slice(0, 1), 0.1);
    expect(full.w).not.toEqual(short.w);
    expect(full.w).toEqual(plainStep(w, 0, xs, Δzs, 0.1).w);
  });

  it('sums() folds the held pattern in and setSums() replaces the pending sums', () => {
    const w = new Float64Array(2);
    const pending = new PendingUpdates(w, null);
    pending.learn(Float64Array.from([1, 2]), true, 0.5);
    expect(Array.from(pending.sums().gw)).toEqual([0.5, 1]);
    expect(pending.sums().gb).toBe(0.5);
    pending.setSums([3, 4], 7);
    expect(pending.boundary(2)).toBe(7);
    pending.writeDue();
    expect(Array.from(w)).toEqual([-6, -8]);
  });
});
