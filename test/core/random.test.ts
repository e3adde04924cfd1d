import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';

const draw = (seed: number | string, n: number): number[] => {
  const r = createRandom(seed);
  return Array.from({ length: n }, () => r.uniform());
};

describe('createRandom', () => {
  it('is deterministic for a seed, and a number seed equals its string', () => {
    expect(draw(42, 20)).toEqual(draw(42, 20));
    expect(draw(42, 20)).toEqual(draw('42', 20));
    expect(draw(42, 20)).not.toEqual(draw(43, 20));
  });

  it('derive(label) depends on the seed and the label, not on the draws made so far', () => {
    const a = createRandom(7);
    const b = createRandom(7);
    for (let k = 0; k < 100; k++) b.uniform();
    const fromA = a.derive('init');
    const fromB = b.derive('init');
    const sample = (r: ReturnType<typeof createRandom>): number[] => Array.from({ length: 10 }, () => r.normal());
    expect(sample(fromA)).toEqual(sample(fromB));
    expect(sample(createRandom(7).derive('init'))).not.toEqual(sample(createRandom(7).derive('split')));
    expect(sample(createRandom(7).derive('init'))).not.toEqual(sample(createRandom(8).derive('init')));
  });

  it('uniform lies in [0, 1) and normal has mean 0 and variance 1 (loose bounds)', () => {
    const r = createRandom('stats');
    const n = 20000;
    let s = 0;
    let s2 = 0;
    for (let k = 0; k < n; k++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      const x = r.normal();
      expect(Number.isFinite(x)).toBe(true);
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('int(n) covers exactly 0..n−1 and shuffle returns a permutation', () => {
    const r = createRandom(3);
    const seen = new Set<number>();
    for (let k = 0; k < 1000; k++) {
      const i = r.int(7);
      expect(Number.isInteger(i) && i >= 0 && i < 7).toBe(true);
      seen.add(i);
    }
    expect(seen.size).toBe(7);
    const items = Array.from({ length: 50 }, (_, k) => k);
    const shuffled = r.shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });
});
