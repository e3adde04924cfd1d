/** Summary statistics over repeated runs (seeds). */

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample standard deviation (n − 1 in the denominator); 0 for a single value. */
export function sd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) ** 2;
  return Math.sqrt(s / (values.length - 1));
}

/** "m ± s" with `digits` decimals, after multiplying by `scale` (100 for percentages). */
export function formatMeanSd(values: readonly number[], digits = 2, scale = 1): string {
  return `${(scale * mean(values)).toFixed(digits)} ± ${(scale * sd(values)).toFixed(digits)}`;
}
