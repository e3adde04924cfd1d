/**
 * The gradient check's error metric for an analytic value a and a numeric value n:
 *
 *   r = |a − n| / max(|a|, |n|, floor)
 *
 * Relative where the gradient is large, absolute (divided by the floor) where it is tiny. A
 * numeric derivative carries an absolute rounding error of about ε_machine·|E|/h, so a
 * correct gradient of exactly 0 (a unit that is off, a weight that reads a zero input) would
 * otherwise score r = 1 against a numeric 1e-13. The floor is small: a difference of floor·1e-6
 * (1e-12 at the default floor 1e-6 with Richardson extrapolation) still fails the 1e-6 mark.
 * Defaults and the measurements behind them are in gradcheck-result.ts.
 */

/** |a − n| / max(|a|, |n|, floor); NaN if either value is NaN. */
export function relativeError(a: number, n: number, floor: number): number {
  return Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), floor);
}
