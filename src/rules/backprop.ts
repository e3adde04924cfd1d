/** Back-propagation: the update direction is the true gradient ∂E/∂w (see nn/network.ts). */
import type { MatrixRule } from './rule.ts';

export const backprop: MatrixRule = {
  name: 'backprop',
  accumulate: (net, x, t, sum) => net.backprop(x, t, sum),
  errors: (net, x, t) => net.backpropErrors(x, t),
};
