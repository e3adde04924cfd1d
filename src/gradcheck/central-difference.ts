/**
 * The numeric derivative of E along one coordinate or direction, from E at offsets ±s:
 *
 *   D(h) = (E(w + h) − E(w − h)) / 2h                      central difference, error O(h²)
 *   R(h) = (4·D(h/2) − D(h)) / 3                           Richardson extrapolation, error O(h⁴)
 *
 * D(h)'s truncation error is h²E'''/6, and its rounding error about ε_machine·|E|/h, so no h
 * makes it good to much better than 1e-7 relative on a sum of several patterns; R cancels the h²
 * term, so a larger h (1e-3) shrinks the rounding error too. The 2h in D is the step actually
 * taken, which `shift` reports (w + h and w − h are rounded).
 */

/**
 * Move the params to offset s along the checked coordinate or direction; return E there and the offset actually taken.
 */
export type Shift = (s: number) => { E: number; offset: number };

export function centralDifference(shift: Shift, h: number): number {
  const plus = shift(h);
  const minus = shift(-h);
  return (plus.E - minus.E) / (plus.offset - minus.offset);
}

export function richardson(shift: Shift, h: number): number {
  return (4 * centralDifference(shift, h / 2) - centralDifference(shift, h)) / 3;
}
