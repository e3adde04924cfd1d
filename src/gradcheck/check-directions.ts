/**
 * The random-direction check, for layers too large to check coordinate by coordinate. For each
 * layer and each of K seeded random unit directions d over that layer's weights and bias
 * (d ~ N(0, I), then d ← d/‖d‖):
 *
 *   numeric = (E(w + h·d) − E(w − h·d)) / 2h   (Richardson-extrapolated by default)
 *   compared with analytic = g·d
 *
 * Per layer, so a wrong layer is named. Cost per layer: K numeric derivatives instead of one per parameter.
 */
import { createRandom } from '../core/random.ts';
import type { Params } from '../nn/params.ts';
import { checkShapes } from './check-shapes.ts';
import {
  resolveOptions,
  WorstTally,
  type GradcheckOptions,
  type GradcheckResult,
  type LossAt,
  type WorstDirection,
} from './gradcheck-result.ts';

export function checkDirections(
  lossAt: LossAt,
  params: Params,
  analytic: Params,
  options: GradcheckOptions & { directions: number },
): GradcheckResult {
  checkShapes(params, analytic);
  const resolved = resolveOptions(options);
  const K = options.directions;
  if (!Number.isInteger(K) || K <= 0)
    throw new RangeError(`gradcheck: directions must be a positive integer, got ${K}`);
  const random = options.random ?? createRandom('gradcheck');
  const tally = new WorstTally<WorstDirection>(resolved.floor);
  let parameters = 0;
  params.layers.forEach((layer, l) => {
    const { weights, bias } = layer;
    const g = analytic.layers[l]!;
    const nw = weights.length;
    const n = nw + bias.length;
    parameters += n;
    // Each layer draws from its own stream, so adding a layer does not change another layer's directions.
    const layerRandom = random.derive(`layer ${l}`);
    const w0 = Float64Array.from(weights);
    const b0 = Float64Array.from(bias);
    const d = new Float64Array(n);
    for (let direction = 0; direction < K; direction++) {
      let norm = 0;
      for (let k = 0; k < n; k++) {
        d[k] = layerRandom.normal();
        norm += d[k]! * d[k]!;
      }
      norm = Math.sqrt(norm);
      for (let k = 0; k < n; k++) d[k] = d[k]! / norm;
      let numeric: number;
      try {
        numeric = resolved.derivative((s) => {
          for (let k = 0; k < nw; k++) weights[k] = w0[k]! + s * d[k]!;
          for (let k = 0; k < bias.length; k++) bias[k] = b0[k]! + s * d[nw + k]!;
          return { E: lossAt(params), offset: s };
        });
      } finally {
        weights.set(w0);
        bias.set(b0);
      }
      let a = 0;
      for (let k = 0; k < nw; k++) a += g.weights[k]! * d[k]!;
      for (let k = 0; k < bias.length; k++) a += g.bias[k]! * d[nw + k]!;
      tally.add(a, numeric, (relativeError) => ({ layer: l, direction, analytic: a, numeric, relativeError }));
    }
  });
  return tally.result('directions', parameters, resolved);
}
