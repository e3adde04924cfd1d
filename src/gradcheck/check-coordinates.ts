/**
 * The check over every parameter w_k (every weight and bias of every layer):
 *
 *   numeric_k = (E(w + h·e_k) − E(w − h·e_k)) / 2h   (Richardson-extrapolated by default)
 *   compared with analytic_k = ∂E/∂w_k
 *
 * Each w_k is restored to its exact original value, also if E throws.
 */
import type { Params } from '../nn/params.ts';
import { checkShapes } from './check-shapes.ts';
import {
  resolveOptions,
  WorstTally,
  type GradcheckOptions,
  type GradcheckResult,
  type LossAt,
  type WorstCoordinate,
} from './gradcheck-result.ts';

export function checkCoordinates(
  lossAt: LossAt,
  params: Params,
  analytic: Params,
  options: GradcheckOptions = {},
): GradcheckResult {
  checkShapes(params, analytic);
  const resolved = resolveOptions(options);
  const tally = new WorstTally<WorstCoordinate>(resolved.floor);
  params.layers.forEach((layer, l) => {
    for (const which of ['weights', 'bias'] as const) {
      const w = layer[which];
      const g = analytic.layers[l]![which];
      for (let index = 0; index < w.length; index++) {
        const w0 = w[index]!;
        let numeric: number;
        try {
          numeric = resolved.derivative((s) => {
            w[index] = w0 + s;
            // w0 + s is rounded: report the offset actually taken.
            return { E: lossAt(params), offset: w[index]! - w0 };
          });
        } finally {
          w[index] = w0;
        }
        const a = g[index]!;
        tally.add(a, numeric, (relativeError) => ({ layer: l, which, index, analytic: a, numeric, relativeError }));
      }
    }
  });
  return tally.result('coordinates', tally.checked, resolved);
}
