/**
 * Losses, per pattern. Each returns E and writes Δy = ∂E/∂y for the last layer's output y.
 *
 *   mse                    E = ½‖y − t‖²                  Δy = y − t
 *   softmax-cross-entropy  p = softmax(y),  E = −Σ t log p  Δy = p − t
 *
 * For softmax-CE the last activation is the identity, so y = z and Δz = Δy = p − t: the same
 * form as regression, as the essay notes. log p_j = y_j − logΣexp(y) by log-sum-exp.
 */
import type { LossName } from './spec.ts';

export interface Loss {
  readonly name: LossName;
  /** E for one pattern; fills `prediction` (y for mse, p for softmax) and `Δy`. */
  evaluate(y: Float64Array, t: ArrayLike<number>, prediction: Float64Array, Δy: Float64Array): number;
}

/** log Σ_k exp(y_k), shifted by the maximum so nothing overflows. */
export function logSumExp(y: ArrayLike<number>): number {
  let m = -Infinity;
  for (let k = 0; k < y.length; k++) if (y[k]! > m) m = y[k]!;
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let k = 0; k < y.length; k++) s += Math.exp(y[k]! - m);
  return m + Math.log(s);
}

export const mse: Loss = {
  name: 'mse',
  evaluate(y, t, prediction, Δy) {
    let E = 0;
    for (let j = 0; j < y.length; j++) {
      prediction[j] = y[j]!;
      Δy[j] = y[j]! - t[j]!;
      E += 0.5 * Δy[j]! * Δy[j]!;
    }
    return E;
  },
};

export const softmaxCrossEntropy: Loss = {
  name: 'softmax-cross-entropy',
  evaluate(y, t, p, Δy) {
    const lse = logSumExp(y);
    let E = 0;
    for (let j = 0; j < y.length; j++) {
      const logp = y[j]! - lse;
      p[j] = Math.exp(logp);
      Δy[j] = p[j]! - t[j]!;
      if (t[j] !== 0) E -= t[j]! * logp;
    }
    return E;
  },
};

export function makeLoss(name: LossName): Loss {
  return name === 'mse' ? mse : softmaxCrossEntropy;
}
