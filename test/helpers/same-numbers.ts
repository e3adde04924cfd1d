/**
 * Number-for-number comparison, for code that promises the same floating-point operations in
 * the same order as a reference: equal, not close (±0 count as equal, NaN equals NaN).
 */
import { expect } from 'vitest';
import type { Params } from '../../src/nn/params.ts';

/** The first index where two arrays differ, described; null when they are the same numbers. */
export function firstDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  for (let k = 0; k < actual.length; k++) {
    const a = actual[k]!,
      e = expected[k]!;
    if (!(a === e || (Number.isNaN(a) && Number.isNaN(e)))) return `[${k}] ${a} vs ${e}`;
  }
  return null;
}

/** The first weight or bias where two params differ, described; null when they are the same numbers. */
export function firstParamsDifference(actual: Params, expected: Params): string | null {
  for (let l = 0; l < actual.layers.length; l++) {
    for (const which of ['weights', 'bias'] as const) {
      const d = firstDifference(actual.layers[l]![which], expected.layers[l]![which]);
      if (d !== null) return `layer ${l} ${which}${d}`;
    }
  }
  return null;
}

export function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, where = ''): void {
  expect(firstDifference(actual, expected), where).toBeNull();
}

export function expectSameParams(actual: Params, expected: Params, where = ''): void {
  expect(firstParamsDifference(actual, expected), where).toBeNull();
}
