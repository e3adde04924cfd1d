/**
 * freshArray (src/agents/fresh-array.ts): every array it hands out is zeros, of the length asked, and
 * shares no byte with any other it handed out, across slabs, however the earlier ones were written.
 */
import { describe, expect, it } from 'vitest';
import { freshArray } from '../../src/agents/fresh-array.ts';

describe('freshArray', () => {
  it('hands out zeroed arrays that never share a byte', () => {
    const lengths = Array.from({ length: 3000 }, (_, k) => [0, 1, 7, 128, 784, 10000][k % 6]!);
    const arrays = lengths.map((n) => {
      const a = freshArray(n);
      expect(a.length).toBe(n);
      expect(a.every((v) => Object.is(v, 0))).toBe(true);
      a.fill(-1); // a later array must still come as zeros
      return a;
    });
    const regions = new Map<ArrayBufferLike, [number, number][]>();
    for (const a of arrays) {
      if (a.length === 0) continue;
      const list = regions.get(a.buffer) ?? [];
      list.push([a.byteOffset, a.byteOffset + a.byteLength]);
      regions.set(a.buffer, list);
    }
    let shared = 0;
    for (const list of regions.values()) {
      list.sort((p, q) => p[0] - q[0]);
      for (let k = 1; k < list.length; k++) if (list[k]![0] < list[k - 1]![1]) shared++;
    }
    expect(shared).toBe(0);
    expect(regions.size).toBeGreaterThan(1); // more than one slab was used
    expect(regions.size).toBeLessThan(arrays.length / 2); // and small arrays do share slabs
    // The check sees an overlap.
    const [buffer, list] = [...regions.entries()].find(([, l]) => l.length > 1)!;
    list.push([list[0]![0], list[0]![0] + 8]);
    list.sort((p, q) => p[0] - q[0]);
    expect(list.some((r, k) => k > 0 && r[0] < list[k - 1]![1])).toBe(true);
    expect(buffer).toBeDefined();
  });
});
