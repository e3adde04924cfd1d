/**
 * The whole-network check: the analytic ∂E/∂w from Network.backprop against central differences
 * of E = Σ_p E_p over the given patterns.
 *
 * `linearizeRectifiers` builds the network with relu replaced by the identity, the essay's advice:
 * a unit whose z lies within h of the kink switches on or off between E(w + h) and E(w − h), so
 * the central difference of a relu net measures a step, not a slope, and the check fails though
 * the gradient is right. Both E and its gradient then belong to the linearised network.
 */
import type { Dataset } from '../nn/sgd.ts';
import { Network, type NetworkOptions } from '../nn/network.ts';
import { cloneParams, type Params } from '../nn/params.ts';
import type { NetSpec } from '../nn/spec.ts';
import { checkGradient } from './check-gradient.ts';
import type { GradcheckOptions, GradcheckResult } from './gradcheck-result.ts';

export interface NetworkCheckOptions extends GradcheckOptions, NetworkOptions {}

export interface NetworkCheckResult extends GradcheckResult {
  /** E at the unperturbed params. */
  loss: number;
  patterns: number;
  linearizeRectifiers: boolean;
}

export function checkNetwork(
  spec: NetSpec,
  params: Params,
  data: Dataset,
  options: NetworkCheckOptions = {},
): NetworkCheckResult {
  // The network reads its weights from these params in place, so perturbing them perturbs the net.
  const net = new Network(spec, cloneParams(params), {
    linearizeRectifiers: options.linearizeRectifiers,
    convBackward: options.convBackward,
  });
  const { loss, gradients } = net.gradient(data.inputs, data.targets);
  const lossAt = (): number => {
    let E = 0;
    for (let p = 0; p < data.inputs.length; p++) E += net.evaluate(data.inputs[p]!, data.targets[p]!);
    return E;
  };
  const result = checkGradient(lossAt, net.params, gradients, options);
  return { ...result, loss, patterns: data.inputs.length, linearizeRectifiers: options.linearizeRectifiers ?? false };
}
