/**
 * A result that is not finite is a divergence (exit 3), never JSON null. These helpers name where
 * the first non-finite number is, and which setting to change: a rule whose own update direction is
 * already non-finite at the starting params diverged in its inference (predictive coding's --gamma,
 * --steps) or its nudge (merged's --beta), which no learning rate can fix.
 */
import { DivergenceError } from '../core/errors.ts';
import type { RuleOptions } from '../rules/index.ts';
import type { GradientResult } from '../nn/network.ts';

const firstNonFinite = (a: ArrayLike<number>): number => {
  for (let k = 0; k < a.length; k++) if (!Number.isFinite(a[k]!)) return k;
  return -1;
};

/** Where a gradient result first stops being finite (loss, outputs[p][k], gradients layers[l].weights[k]), or null. */
export function nonFiniteIn(result: GradientResult): string | null {
  if (!Number.isFinite(result.loss)) return `the loss is ${result.loss}`;
  for (let p = 0; p < result.outputs.length; p++) {
    const k = firstNonFinite(result.outputs[p]!);
    if (k >= 0) return `outputs[${p}][${k}] is ${result.outputs[p]![k]}`;
  }
  for (let l = 0; l < result.gradients.layers.length; l++) {
    const { weights, bias } = result.gradients.layers[l]!;
    let k = firstNonFinite(weights);
    if (k >= 0) return `gradients layers[${l}].weights[${k}] is ${weights[k]}`;
    k = firstNonFinite(bias);
    if (k >= 0) return `gradients layers[${l}].bias[${k}] is ${bias[k]}`;
  }
  return null;
}

/** The setting a rule's own divergence points to, given that its update direction went non-finite. */
export function ruleSettingHint(rule: RuleOptions): string {
  switch (rule.rule) {
    case 'predictive-coding':
      return rule.zil
        ? "predictive coding's inference diverged (Z-IL runs at γ = 1): the params or the data are too large"
        : `predictive coding's inference diverged: try a smaller --gamma ` +
            `(now ${rule.gamma ?? 'the default 0.1'}) or fewer --steps`;
    case 'merged':
      return `the merged rule's nudge diverged: try a smaller --beta (now ${rule.beta ?? 'the default'})`;
    default:
      return 'the params or the data are too large for float64';
  }
}

/** Throw a DivergenceError if the gradient result holds a non-finite number. */
export function checkFiniteGradient(result: GradientResult, rule: RuleOptions, what: string): void {
  const where = nonFiniteIn(result);
  if (where !== null) throw new DivergenceError(`${what} diverged: ${where}; ${ruleSettingHint(rule)}`);
}
