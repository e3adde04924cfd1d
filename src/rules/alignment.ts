/**
 * Alignment metrics: how far a local rule's update points from the true gradient.
 *   angle(a, b) = arccos( a·b / (‖a‖ ‖b‖) )  in degrees; 0° same direction, 90° orthogonal, 180° opposite
 *   update angle, per layer l:    angle(u⁽ˡ⁾, ∂E/∂W⁽ˡ⁾), weights and bias flattened together
 *   feedback angle, per layer l:  angle(W⁽ˡ⁾, B⁽ˡ⁾) with B in W's layout (FA), i.e. W against Bᵀ of the backward path
 * Below 90° the update still descends E (to first order); FA learns because W turns toward B.
 * An angle with a zero vector is undefined and reported as NaN.
 */
import type { Network } from '../nn/network.ts';
import { zerosLike, type LayerParams, type Params } from '../nn/params.ts';
import type { MatrixRule } from './rule.ts';

/** The angle in degrees between two vectors, each given as a list of pieces laid end to end. */
export function angleBetween(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let p = 0; p < a.length; p++) {
    const ap = a[p]!;
    const bp = b[p]!;
    if (ap.length !== bp.length) throw new Error(`angleBetween: piece ${p} has lengths ${ap.length} and ${bp.length}`);
    for (let k = 0; k < ap.length; k++) {
      ab += ap[k]! * bp[k]!;
      aa += ap[k]! * ap[k]!;
      bb += bp[k]! * bp[k]!;
    }
  }
  if (aa === 0 || bb === 0) return NaN;
  const cos = ab / Math.sqrt(aa * bb);
  return (Math.acos(Math.min(1, Math.max(-1, cos))) * 180) / Math.PI;
}

/** Per layer, the angle between two params-shaped quantities (weights and bias together). */
export function layerAngles(a: Params, b: Params): number[] {
  return a.layers.map((la: LayerParams, l) => {
    const lb = b.layers[l]!;
    return angleBetween([la.weights, la.bias], [lb.weights, lb.bias]);
  });
}

/** The rule's update and back-prop's ∂E/∂w, both summed over the patterns at the net's current weights. */
export function updateAndGradient(
  net: Network,
  rule: MatrixRule,
  inputs: Float64Array[],
  targets: ArrayLike<number>[],
): { update: Params; gradient: Params } {
  const update = zerosLike(net.params);
  const gradient = zerosLike(net.params);
  for (let p = 0; p < inputs.length; p++) {
    rule.accumulate(net, inputs[p]!, targets[p]!, update);
    net.backprop(inputs[p]!, targets[p]!, gradient);
  }
  return { update, gradient };
}

/** Per layer, the angle in degrees between the rule's update and the back-prop gradient over the patterns. */
export function updateAlignment(
  net: Network,
  rule: MatrixRule,
  inputs: Float64Array[],
  targets: ArrayLike<number>[],
): number[] {
  const { update, gradient } = updateAndGradient(net, rule, inputs, targets);
  return layerAngles(update, gradient);
}

/**
 * Per layer, the angle between the forward weights W and the feedback weights B (same layout); null where there is no
 * B.
 */
export function feedbackAngles(params: Params, B: readonly (Float64Array | null)[]): (number | null)[] {
  return params.layers.map((p, l) => {
    const b = B[l];
    return b ? angleBetween([p.weights], [b]) : null;
  });
}

/**
 * ‖u − g‖ / ‖g‖ over all layers, weights and bias: how far an update is from the gradient, relative to the gradient.
 */
export function relativeError(u: Params, g: Params): number {
  let d = 0;
  let n = 0;
  for (let l = 0; l < g.layers.length; l++) {
    for (const key of ['weights', 'bias'] as const) {
      const ul = u.layers[l]![key];
      const gl = g.layers[l]![key];
      for (let k = 0; k < gl.length; k++) {
        d += (ul[k]! - gl[k]!) ** 2;
        n += gl[k]! ** 2;
      }
    }
  }
  return Math.sqrt(d / n);
}
