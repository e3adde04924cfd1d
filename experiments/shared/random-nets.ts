/**
 * Seeded random nets for the experiments that compare two computations on the same net:
 * params from the net's default init with non-zero biases b ~ N(0, scale²) (so the bias path
 * counts), and patterns with inputs x ~ N(0, 1) and targets t ~ U(0, 1) per output (mse) or
 * one-hot at a uniform class (softmax cross-entropy).
 */
import type { Random } from '../../src/core/random.ts';
import { initParams, type Params } from '../../src/nn/params.ts';
import { resolveLayers, type NetSpec } from '../../src/nn/spec.ts';

export interface Patterns {
  inputs: Float64Array[];
  targets: Float64Array[];
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Params drawn from random.derive('init'), then every bias from random.derive('bias'). */
export function paramsWithBiases(spec: NetSpec, random: Random, biasScale: number): Params {
  const params = initParams(spec, random.derive('init'));
  const rb = random.derive('bias');
  for (const l of params.layers) for (let k = 0; k < l.bias.length; k++) l.bias[k] = biasScale * rb.normal();
  return params;
}

/** `count` patterns: every input first, then every target, all drawn from `random`. */
export function randomPatterns(spec: NetSpec, count: number, random: Random): Patterns {
  const layers = resolveLayers(spec);
  const m = sizeOf(layers[layers.length - 1]!.outShape);
  const inputs = Array.from({ length: count }, () =>
    Float64Array.from({ length: sizeOf(spec.input) }, () => random.normal()),
  );
  const targets = inputs.map(() => {
    if (spec.loss === 'mse') return Float64Array.from({ length: m }, () => random.uniform());
    const t = new Float64Array(m);
    t[random.int(m)] = 1;
    return t;
  });
  return { inputs, targets };
}
