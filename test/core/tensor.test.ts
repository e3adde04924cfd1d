import { describe, expect, it } from 'vitest';
import { describeNested, flattenNested, nest, sizeOf } from '../../src/core/tensor.ts';

describe('nest and flattenNested', () => {
  it('round-trip a [2][3][4] tensor in row-major order', () => {
    const shape = [2, 3, 4];
    const flat = Float64Array.from({ length: sizeOf(shape) }, (_, k) => k * 0.5 - 3);
    const nested = nest(flat, shape) as number[][][];
    expect(nested[1]![2]![3]).toBe(flat[1 * 12 + 2 * 4 + 3]);
    expect(Array.from(flattenNested(nested, shape)!)).toEqual(Array.from(flat));
  });

  it('flattenNested returns null on a wrong shape or a non-number, and describeNested names the shape', () => {
    expect(flattenNested([[1, 2], [3]], [2, 2])).toBeNull();
    expect(flattenNested([[1, 2], [3, '4']], [2, 2])).toBeNull();
    expect(flattenNested([1, 2, 3], [2, 2])).toBeNull();
    expect(describeNested([[1, 2, 3], [4, 5, 6]])).toBe('[2][3]');
  });
});
