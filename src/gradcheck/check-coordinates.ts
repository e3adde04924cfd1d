/**
 * Central differences over every parameter w_k (every weight and bias of every layer):
 *
 *   numeric_k = (E(w + h·e_k) − E(w − h·e_k)) / 2h      compared with   analytic_k = ∂E/∂w_k
 *
 * The denominator is the step actually taken, (w_k + h) − (w_k − h) in floating point, which is
 * 2h only up to rounding of w_k ± h. Each w_k is restored to its exact original value.
 */
import type { Params } from '../nn/params.ts';
import { checkShapes } from './check-shapes.ts';
import { resolveOptions, WorstTally, type GradcheckOptions, type GradcheckResult, type LossAt, type WorstCoordinate } from './gradcheck-result.ts';

export function checkCoordinates(lossAt: LossAt, params: Params, analytic: Params, options: GradcheckOptions = {}): GradcheckResult {
  checkShapes(params, analytic);
  const { h, floor, threshold } = resolveOptions(options);
  const tally = new WorstTally<WorstCoordinate>(floor);
  params.layers.forEach((layer, l) => {
    for (const which of ['weights', 'bias'] as const) {
      const w = layer[which];
      const g = analytic.layers[l]![which];
      for (let index = 0; index < w.length; index++) {
        const w0 = w[index]!;
        const wPlus = w0 + h;
        const wMinus = w0 - h;
        let Eplus: number;
        let Eminus: number;
        try {
          w[index] = wPlus;
          Eplus = lossAt(params);
          w[index] = wMinus;
          Eminus = lossAt(params);
        } finally {
          w[index] = w0;
        }
        const numeric = (Eplus - Eminus) / (wPlus - wMinus);
        const a = g[index]!;
        tally.add(a, numeric, (relativeError) => ({ layer: l, which, index, analytic: a, numeric, relativeError }));
      }
    }
  });
  return {
    mode: 'coordinates',
    worstRelativeError: tally.worstRelativeError,
    worst: tally.worst,
    checked: tally.checked,
    parameters: tally.checked,
    passed: tally.worstRelativeError <= threshold,
    threshold,
    epsilon: h,
    floor,
  };
}
