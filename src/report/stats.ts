/** Summary statistics over repeated runs (seeds). */

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** The middle value (the mean of the two middle ones for an even count): robust to a noisy machine's outliers. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
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

/** Least-squares fit of log10 y = a + s·log10 x: the slope s is the power in y ∝ xˢ. */
export function logLogFit(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number } {
  const lx = xs.map(Math.log10);
  const ly = ys.map(Math.log10);
  const mx = mean(lx);
  const my = mean(ly);
  let num = 0;
  let den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i]! - mx) * (ly[i]! - my);
    den += (lx[i]! - mx) ** 2;
  }
  const slope = num / den;
  return { slope, intercept: my - slope * mx };
}

/** Student's t quantile t(0.975, df) for df = 1..30 (above, the normal's 1.96 within 2 %). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The mean and its 95 % confidence interval over seeds, mean ± t(0.975, n − 1)·sd/√n; the mean alone for n = 1. */
export function confidence95(values: readonly number[]): { mean: number; low: number; high: number } {
  const m = mean(values);
  if (values.length < 2) return { mean: m, low: m, high: m };
  const t = T975[values.length - 2] ?? 1.96;
  const half = (t * sd(values)) / Math.sqrt(values.length);
  return { mean: m, low: m - half, high: m + half };
}
