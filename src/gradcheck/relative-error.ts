/**
 * The gradient check's error metric for an analytic value a and a numeric value n:
 *
 *   r = |a − n| / max(|a|, |n|, floor)
 *
 * Relative where the gradient is large, absolute (divided by the floor) where it is tiny: a
 * central difference carries an absolute rounding error of about ε_machine·|E|/h ≈ 1e-11·|E|
 * (h = 1e-5), so a gradient of 1e-9 cannot be matched to 1e-6 relatively, and without the floor a
 * correct zero gradient (a unit that is off, a weight reading a zero input) could score r = 1.
 */

/**
 * The default floor. With h = 1e-5 the measured absolute error of a correct central difference
 * stays below ~1e-10 on the test nets (|E| up to ~20), so a floor of 1e-4 keeps r ≤ 1e-6 for
 * correct gradients, while any error above 1e-10 in absolute terms still counts.
 */
export const RELATIVE_ERROR_FLOOR = 1e-4;

/** |a − n| / max(|a|, |n|, floor); NaN if either value is NaN. */
export function relativeError(a: number, n: number, floor = RELATIVE_ERROR_FLOOR): number {
  return Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), floor);
}
