/**
 * Seeded random patterns for a gradient check when no data is given: inputs x ~ N(0, 1);
 * targets one-hot (a uniformly drawn class) for softmax-cross-entropy, t ~ N(0, 1) for mse.
 */
import type { Random } from '../core/random.ts';
import { sizeOf } from '../core/tensor.ts';
import type { Dataset } from '../nn/sgd.ts';
import { resolveLayers, type NetSpec } from '../nn/spec.ts';

export function randomPatterns(spec: NetSpec, count: number, random: Random): Dataset {
  const layers = resolveLayers(spec);
  const n = sizeOf(spec.input);
  const m = sizeOf(layers[layers.length - 1]!.outShape);
  const inputs: Float64Array[] = [];
  const targets: Float64Array[] = [];
  for (let p = 0; p < count; p++) {
    inputs.push(Float64Array.from({ length: n }, () => random.normal()));
    const t = new Float64Array(m);
    if (spec.loss === 'softmax-cross-entropy') t[random.int(m)] = 1;
    else for (let j = 0; j < m; j++) t[j] = random.normal();
    targets.push(t);
  }
  return { inputs, targets };
}
