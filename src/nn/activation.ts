/**
 * Activations, applied to each unit independently:  y = g(z).
 * Backward:  Δz_j = g'(z_j) · Δy_j   (the working point z_j is the forward value).
 *
 *   identity  g(z) = z                 g'(z) = 1
 *   relu      g(z) = max(z, 0)         g'(z) = [z > 0]
 *   softplus  g(z) = log(1 + e^z)      g'(z) = e^z / (1 + e^z)
 *   logistic  g(z) = 1 / (1 + e^−z)    g'(z) = g(z)(1 − g(z))
 *   tanh      g(z) = a·tanh(b·z)       g'(z) = b(a − g(z)²/a)
 */
import { InputError } from '../core/errors.ts';

export type ActivationSpec =
  | { name: 'identity' }
  | { name: 'relu' }
  | { name: 'softplus' }
  | { name: 'logistic' }
  | { name: 'tanh'; a: number; b: number };

export type ActivationName = ActivationSpec['name'];
export const ACTIVATION_NAMES: readonly ActivationName[] = ['identity', 'relu', 'softplus', 'logistic', 'tanh'];

export interface Activation {
  readonly spec: ActivationSpec;
  /** y = g(z) */
  g(z: number): number;
  /** g'(z), given the forward value z (and y = g(z), which some derivatives reuse). */
  dg(z: number, y: number): number;
}

/** 1/(1+e^−z) without overflow: for z < 0 rewrite as e^z/(1+e^z). */
export function logistic(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log(1+e^z) without overflow: for z > 0 it is z + log(1+e^−z). */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function makeActivation(spec: ActivationSpec): Activation {
  switch (spec.name) {
    case 'identity':
      return { spec, g: (z) => z, dg: () => 1 };
    case 'relu':
      // biome-ignore lint/complexity/useMathMinMax: the ternary maps NaN to 0, Math.max would keep NaN
      return { spec, g: (z) => (z > 0 ? z : 0), dg: (z) => (z > 0 ? 1 : 0) };
    case 'softplus':
      // e^z/(1+e^z) is the logistic function.
      return { spec, g: softplus, dg: (z) => logistic(z) };
    case 'logistic':
      return { spec, g: logistic, dg: (_z, y) => y * (1 - y) };
    case 'tanh': {
      const { a, b } = spec;
      return { spec, g: (z) => a * Math.tanh(b * z), dg: (_z, y) => b * (a - (y * y) / a) };
    }
  }
}

/** The essay's advice for gradient checks: rectifiers (relu) become linear, so no unit sits at a kink. */
export function linearized(spec: ActivationSpec): ActivationSpec {
  return spec.name === 'relu' ? { name: 'identity' } : spec;
}

/** Parse `"relu"` or `{ "name": "tanh", "a": 1.7159, "b": 0.6667 }`; `where` names the place for the error message. */
export function parseActivation(value: unknown, where: string): ActivationSpec {
  const obj: Record<string, unknown> =
    typeof value === 'string'
      ? { name: value }
      : value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : {};
  const name = obj['name'];
  if (typeof name !== 'string' || !(ACTIVATION_NAMES as readonly string[]).includes(name)) {
    throw new InputError(
      `${where}: unknown activation ${JSON.stringify(name ?? value)}; expected one of ${ACTIVATION_NAMES.join(', ')}`,
    );
  }
  if (name === 'tanh') {
    const a = obj['a'] ?? 1;
    const b = obj['b'] ?? 1;
    if (typeof a !== 'number' || !Number.isFinite(a) || a === 0)
      throw new InputError(`${where}: tanh parameter a must be a non-zero finite number, got ${JSON.stringify(a)}`);
    if (typeof b !== 'number' || !Number.isFinite(b))
      throw new InputError(`${where}: tanh parameter b must be a finite number, got ${JSON.stringify(b)}`);
    return { name, a, b };
  }
  return { name } as ActivationSpec;
}

export function activationToJSON(spec: ActivationSpec): unknown {
  return spec.name === 'tanh' ? { name: 'tanh', a: spec.a, b: spec.b } : spec.name;
}
