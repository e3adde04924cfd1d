import { InputError } from '../core/errors.ts';
import type { Network } from '../nn/network.ts';
import type { RuleOptions } from '../nn/engine.ts';
import { backprop } from './backprop.ts';
import type { MatrixRule } from './rule.ts';

export type { MatrixRule } from './rule.ts';
export { backprop } from './backprop.ts';

/** The matrix form of a rule, for this network. */
export function createMatrixRule(options: RuleOptions, _net: Network): MatrixRule {
  switch (options.rule) {
    case 'backprop':
      return backprop;
    default:
      throw new InputError(`rule "${options.rule}" is not built yet in the matrix engine; available: backprop`);
  }
}
