import { InputError } from '../core/errors.ts';
import type { Network } from '../nn/network.ts';
import { RULE_NAMES, type RuleOptions } from '../nn/engine.ts';
import { backprop } from './backprop.ts';
import { createDirectFeedbackAlignment } from './direct-feedback-alignment.ts';
import { createFeedbackAlignment } from './feedback-alignment.ts';
import { Merged, mergedSettings } from './merged.ts';
import { PredictiveCoding, predictiveCodingSettings } from './predictive-coding.ts';
import type { MatrixRule } from './rule.ts';

export type { MatrixRule } from './rule.ts';
export { backprop } from './backprop.ts';
export * from './merged.ts';
export * from './predictive-coding.ts';
export * from './feedback-alignment.ts';
export * from './direct-feedback-alignment.ts';
export * from './alignment.ts';

/** The matrix form of a rule, for this network. Bad option values throw InputError. */
export function createMatrixRule(options: RuleOptions, net: Network): MatrixRule {
  switch (options.rule) {
    case 'backprop':
      return backprop;
    case 'merged':
      return new Merged(net, mergedSettings(options));
    case 'predictive-coding':
      return new PredictiveCoding(net, predictiveCodingSettings(options, net.layers.length));
    case 'feedback-alignment':
      return createFeedbackAlignment(net, options);
    case 'direct-feedback-alignment':
      return createDirectFeedbackAlignment(net, options);
    default:
      throw new InputError(`unknown rule ${JSON.stringify(options.rule)}; expected one of ${RULE_NAMES.join(', ')}`);
  }
}
