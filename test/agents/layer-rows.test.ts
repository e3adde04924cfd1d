/**
 * A dense layer's rows in lockstep (src/agents/layer-rows.ts) against the same rows each summing alone
 * (pending-updates.ts and the row kernels of nn/kernels.ts): every z_j, every weight and every pending
 * sum, compared with Object.is, over patterns with zero and non-zero Δz_j, a row learning from another
 * trace, batch 1 and batch 3, and rows that do not divide the kernel's tiles.
 */
import { describe, expect, it } from 'vitest';
import { LayerRows } from '../../src/agents/layer-rows.ts';
import { PendingUpdates } from '../../src/agents/pending-updates.ts';
import { createRandom } from '../../src/core/random.ts';
import { potential } from '../../src/nn/kernels.ts';

const m = 11;
const n = 7;

/** The rows run both ways over `patterns` patterns with a boundary every B; returns the two runs' numbers. */
function run(B: number, patterns: number, seed: string): { lockstep: number[]; alone: number[] } {
  const random = createRandom(seed);
  const w0 = Float64Array.from({ length: m * n }, () => random.normal());
  const b = Float64Array.from({ length: m }, () => random.normal());
  const [rows] = LayerRows.allocate([{ m, n }]);
  rows!.weights.set(w0);
  const stepped = Float64Array.from(b);
  const lockstep = Array.from({ length: m }, (_, j) => {
    const p = new PendingUpdates(rows!.weightRow(j), null, { sums: rows!.sumRow(j), rows: rows! });
    rows!.attach(j, p, () => stepped[j]!);
    return p;
  });
  const aloneW = Array.from({ length: m }, (_, j) => w0.slice(j * n, (j + 1) * n));
  const aloneB = Float64Array.from(b);
  const alone = aloneW.map((w) => new PendingUpdates(w, null));
  const out = { lockstep: [] as number[], alone: [] as number[] };
  for (let p = 0; p < patterns; p++) {
    const x = Float64Array.from({ length: n }, () => random.normal());
    expect(rows!.formed(x)).toBe(true);
    for (let j = 0; j < m; j++) {
      out.lockstep.push(rows!.zOf(j));
      const a = alone[j]!;
      a.release();
      out.alone.push(a.isDue ? a.writeDueAndSum(aloneB[j]!, x) : potential(aloneB[j]!, aloneW[j]!, x));
    }
    for (let j = 0; j < m; j++) {
      const Δz = j % 3 === 0 ? 0 : random.normal(); // a third of the rows are off (Δz = 0: nothing held)
      const trace = j === 4 ? Float64Array.from(x) : x; // row 4 holds a trace of its own
      lockstep[j]!.learn(trace, true, Δz);
      alone[j]!.learn(trace, true, Δz);
    }
    if ((p + 1) % B === 0) {
      const scale = 0.1 / B;
      for (let j = 0; j < m; j++) {
        stepped[j] -= scale * lockstep[j]!.boundary(scale);
        aloneB[j] -= scale * alone[j]!.boundary(scale);
      }
    }
  }
  for (let j = 0; j < m; j++) {
    const s = lockstep[j]!.sums();
    const t = alone[j]!.sums();
    out.lockstep.push(...s.gw, s.gb, stepped[j]!);
    out.alone.push(...t.gw, t.gb, aloneB[j]!);
  }
  out.lockstep.push(...rows!.weights);
  out.alone.push(...aloneW.flatMap((w) => [...w]));
  return out;
}

const same = (a: number[], b: number[]): boolean => a.length === b.length && a.every((v, k) => Object.is(v, b[k]));

describe('a layer in lockstep (layer-rows.ts)', () => {
  for (const B of [1, 3]) {
    it(`gives each row's numbers as the row alone, bit for bit (batch ${B})`, () => {
      const { lockstep, alone } = run(B, 10, `layer-rows/${B}`);
      expect(lockstep.length).toBe(10 * m + m * (n + 2) + m * n);
      expect(same(lockstep, alone)).toBe(true);
      // The comparison sees one ulp.
      const nudged = [...lockstep];
      nudged[5] = nudged[5]! + Math.abs(nudged[5]!) * Number.EPSILON;
      expect(same(nudged, alone)).toBe(false);
    });
  }

  it('a row that changed after the sums were formed makes its peers sum alone', () => {
    const [rows] = LayerRows.allocate([{ m: 2, n: 3 }]);
    const pending = [0, 1].map((j) => {
      const p = new PendingUpdates(rows!.weightRow(j), null, { sums: rows!.sumRow(j), rows: rows! });
      rows!.attach(j, p, () => 0);
      return p;
    });
    const x = Float64Array.of(1, 2, 3);
    expect(rows!.formed(x)).toBe(true);
    expect(rows!.formed(x)).toBe(true);
    pending[0]!.learn(x, true, 0.5);
    expect(rows!.formed(x)).toBe(false);
    expect(rows!.formed(Float64Array.of(1, 2, 3))).toBe(true); // a new volley is formed afresh
  });
});
