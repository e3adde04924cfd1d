/**
 * What a gradient check reports, and the options every check takes. A check compares an analytic
 * gradient g = ∂E/∂w with central differences of E, and keeps the worst relative error.
 */
import type { Random } from '../core/random.ts';
import type { Params } from '../nn/params.ts';
import { RELATIVE_ERROR_FLOOR, relativeError } from './relative-error.ts';

export const DEFAULT_EPSILON = 1e-5;
/** The pass mark: worst relative error ≤ 1e-6. */
export const DEFAULT_THRESHOLD = 1e-6;

/** One parameter: layer l's weights[index] or bias[index], in the params layout. */
export interface WorstCoordinate {
  layer: number;
  which: 'weights' | 'bias';
  index: number;
  analytic: number;
  numeric: number;
  relativeError: number;
}

/** One random unit direction d over layer l's weights and bias: analytic g·d, numeric (E(w+hd) − E(w−hd))/2h. */
export interface WorstDirection {
  layer: number;
  direction: number;
  analytic: number;
  numeric: number;
  relativeError: number;
}

export interface GradcheckResult {
  mode: 'coordinates' | 'directions';
  /** Infinity if some value was NaN. */
  worstRelativeError: number;
  /** null only when there was nothing to check. */
  worst: WorstCoordinate | WorstDirection | null;
  /** Derivatives compared: one per parameter, or K per layer in direction mode. */
  checked: number;
  /** Parameters covered (weights and biases of every layer). */
  parameters: number;
  passed: boolean;
  threshold: number;
  epsilon: number;
  floor: number;
}

export interface GradcheckOptions {
  /** The step h of the central difference. Default 1e-5. */
  epsilon?: number;
  /** See relative-error.ts. Default RELATIVE_ERROR_FLOOR. */
  floor?: number;
  /** Passed when the worst relative error is ≤ this. Default 1e-6. */
  threshold?: number;
  /** K > 0: check each layer along K random unit directions instead of every coordinate (for large layers). */
  directions?: number;
  /** Draws the directions. Default: createRandom('gradcheck'). */
  random?: Random;
}

/** E as a function of the params. The check perturbs `params` in place, calls this, and restores them exactly. */
export type LossAt = (params: Params) => number;

/** Keeps the worst comparison seen so far. */
export class WorstTally<T extends { relativeError: number }> {
  worst: T | null = null;
  worstRelativeError = 0;
  checked = 0;

  constructor(readonly floor: number) {}

  /** Score one comparison; `describe` builds the report entry only when it is the new worst. */
  add(analytic: number, numeric: number, describe: (relativeError: number) => T): void {
    const r = relativeError(analytic, numeric, this.floor);
    // NaN never compares greater, so count it as infinitely wrong.
    const score = Number.isNaN(r) ? Infinity : r;
    this.checked++;
    if (this.worst === null || score > this.worstRelativeError) {
      this.worstRelativeError = score;
      this.worst = describe(r);
    }
  }
}

export function resolveOptions(options: GradcheckOptions): { h: number; floor: number; threshold: number } {
  const h = options.epsilon ?? DEFAULT_EPSILON;
  if (!(h > 0) || !Number.isFinite(h)) throw new RangeError(`gradcheck: epsilon must be a positive finite number, got ${h}`);
  return { h, floor: options.floor ?? RELATIVE_ERROR_FLOOR, threshold: options.threshold ?? DEFAULT_THRESHOLD };
}
