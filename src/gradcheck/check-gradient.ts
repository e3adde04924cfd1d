/**
 * The gradient check for anything that has E(params) and claims a gradient: a Network, an Engine
 * (build one from the params inside lossAt), a rule that should equal back-prop. Coordinates by
 * default; K random directions per layer when `options.directions` is set.
 */
import type { Params } from '../nn/params.ts';
import { checkCoordinates } from './check-coordinates.ts';
import { checkDirections } from './check-directions.ts';
import type { GradcheckOptions, GradcheckResult, LossAt } from './gradcheck-result.ts';

export function checkGradient(
  lossAt: LossAt,
  params: Params,
  analytic: Params,
  options: GradcheckOptions = {},
): GradcheckResult {
  const K = options.directions ?? 0;
  return K > 0
    ? checkDirections(lossAt, params, analytic, { ...options, directions: K })
    : checkCoordinates(lossAt, params, analytic, options);
}
