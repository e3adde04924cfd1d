/**
 * Back-propagation, the reference rule: the update direction is the true gradient ∂E/∂w.
 *   matrix form (nn/network.ts)   Δz⁽ˡ⁾ = g'(z⁽ˡ⁾) ⊙ Δy⁽ˡ⁾,  Δy⁽ˡ⁻¹⁾ = W⁽ˡ⁾ᵀ Δz⁽ˡ⁾,  u_ij = x_i Δz_j
 *   a neuron j, at the switch     Δz_j = g'(z_j) · Δy_j   (z_j, y_j: the working point of the forward pass)
 *                                 push  w_ij · Δz_j  back along synapse i (the weight as in the forward pass:
 *                                 updates wait for the batch boundary)
 * after which each synapse makes its local update δw_ij = −η x_i Δz_j from its own trace x_i
 * (agents/neuron.ts; applied at the batch boundary as −η·(1/B)·Σ, B = 1 being the essay's update).
 * The products are formed as in the matrix engine (nn/dense.ts, nn/conv.ts), so the two agree to rounding.
 */
import type { Behaviour, Cell } from '../agents/behaviour.ts';
import type { MatrixRule, Rule } from './rule.ts';

export const backprop: MatrixRule = {
  name: 'backprop',
  accumulate: (net, x, t, sum) => net.backprop(x, t, sum),
  errors: (net, x, t) => net.backpropErrors(x, t),
};

export const backpropBehaviour: Behaviour = {
  switchToError(cell: Cell, Δy: number): number {
    const Δz = cell.activation.dg(cell.z, cell.y) * Δy;
    const { w, pushed } = cell;
    if (pushed !== null) for (let t = 0; t < w.length; t++) pushed[t] = w[t]! * Δz;
    return Δz;
  },
};

/** Back-prop takes no options. */
export const backpropRule: Rule<object> = {
  label: 'back-prop',
  colour: '#222222',
  options: [],
  pools: true,
  matrix: () => backprop,
  behaviour: () => backpropBehaviour,
};
