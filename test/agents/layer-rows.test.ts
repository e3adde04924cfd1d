/**
 * A dense layer's rows in lockstep (src/agents/layer-rows.ts) against the same rows each summing alone
 * (pending-updates.ts and the row kernels of nn/kernels.ts): every z_j, every weight and every pending
 * sum, compared with Object.is, over patterns with zero and non-zero Δz_j, a row learning from another
 * trace, batch 1 and batch 3, and rows that do not divide the kernel's tiles. And the agents engine,
 * whose dense layers run in lockstep, against the matrix engine at such sizes: the same bits.
 */
import { describe, expect, it } from 'vitest';
import { LayerRows } from '../../src/agents/layer-rows.ts';
import { PendingUpdates } from '../../src/agents/pending-updates.ts';
import { createRandom } from '../../src/core/random.ts';
import { potential } from '../../src/nn/kernels.ts';
import { initParams, type Params } from '../../src/nn/params.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';
import { bothEngines } from './compare.ts';

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

describe('the agents engine in lockstep ≡ the matrix engine, bit for bit', () => {
  const spec = parseNetSpec({
    input: [37],
    layers: [
      { type: 'dense', units: 19, activation: 'relu' },
      { type: 'dense', units: 13, activation: 'tanh' },
      { type: 'dense', units: 10, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  });
  const flat = (p: Params): number[] => p.layers.flatMap((l) => [...l.weights, ...l.bias]);

  for (const B of [1, 4]) {
    it(`every weight after every step (batch ${B}), and an evaluation between`, () => {
      const random = createRandom(`layer-rows/engines/${B}`);
      const { matrix, agents } = bothEngines(spec, initParams(spec, random));
      const rows = agents.circuit.layers.map((l) => l.neurons[0]!.w.buffer);
      expect(new Set(rows).size).toBe(1); // one memory: every dense layer runs in lockstep
      let steps = 0;
      for (let p = 0; p < 24; p++) {
        const x = Float64Array.from({ length: 37 }, () => random.normal());
        const t = new Float64Array(10);
        t[random.int(10)] = 1;
        expect(Object.is(agents.learn(x, t), matrix.learn(x, t))).toBe(true);
        if (p % 5 === 2) {
          const probe = x.map((v) => -v);
          expect(Object.is(agents.evaluate(probe, t), matrix.evaluate(probe, t))).toBe(true);
        }
        if ((p + 1) % B === 0) {
          agents.step(0.05);
          matrix.step(0.05);
          steps++;
          // A snapshot writes the due changes itself; between snapshots the layer's kernel writes them.
          if (steps % 3 === 0) expect(same(flat(agents.snapshot()), flat(matrix.snapshot()))).toBe(true);
        }
      }
      expect(steps).toBe(24 / B);
      expect(same(flat(agents.snapshot()), flat(matrix.snapshot()))).toBe(true);
      // The comparison sees one step more in one engine.
      agents.learn(
        Float64Array.from({ length: 37 }, (_, i) => Math.sin(i)),
        Float64Array.from({ length: 10 }, (_, i) => (i === 3 ? 1 : 0)),
      );
      agents.step(0.05);
      expect(same(flat(agents.snapshot()), flat(matrix.snapshot()))).toBe(false);
    });
  }
});
