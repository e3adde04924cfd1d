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
    expect(
      flattenNested(
        [
          [1, 2],
          [3, '4'],
        ],
        [2, 2],
      ),
    ).toBeNull();
    expect(flattenNested([1, 2, 3], [2, 2])).toBeNull();
    expect(
      describeNested([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    ).toBe('[2][3]');
  });
});

describe('describeValue and describeNested', () => {
  it('quote up to 80 characters and then "…", whatever the size or depth of the value', async () => {
    const { describeValue, QUOTE_LENGTH } = await import('../../src/core/tensor.ts');
    expect(describeValue([1, 'a', null, { b: true }])).toBe('[1,"a",null,{"b":true}]');
    expect(describeValue(NaN)).toBe('NaN');
    const big = describeValue(new Array(2_000_000).fill(1));
    expect(big).toHaveLength(QUOTE_LENGTH + 1);
    expect(big.endsWith('…')).toBe(true);
    expect(describeValue('x'.repeat(3_000_000))).toBe(`"${'x'.repeat(QUOTE_LENGTH - 1)}…`);
    let deep: unknown = 1;
    for (let k = 0; k < 100_000; k++) deep = [deep];
    expect(describeValue(deep)).toBe(`${'['.repeat(QUOTE_LENGTH)}…`);
    expect(describeNested(deep).length).toBeLessThanOrEqual(QUOTE_LENGTH + 4);
    expect(describeValue('a\u2028b')).toBe('"a b"');
  });
});
