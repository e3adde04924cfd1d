/** The analytic gradient must have the params' layout; a mismatch is a programming error, not bad input. */
import type { Params } from '../nn/params.ts';

export function checkShapes(params: Params, analytic: Params): void {
  const same =
    params.layers.length === analytic.layers.length &&
    params.layers.every(
      (l, i) =>
        l.weights.length === analytic.layers[i]!.weights.length && l.bias.length === analytic.layers[i]!.bias.length,
    );
  if (!same) throw new RangeError('gradcheck: the analytic gradient does not have the layout of the params');
}
