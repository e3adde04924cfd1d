/**
 * Feedback alignment (Lillicrap et al. 2016) and direct feedback alignment (Nøkland 2016) as a
 * neuron's behaviour: the switch of back-prop, but what goes back travels over fixed random
 * feedback weights the neuron owns beside its w_ij (drawn by the matrix form's own functions,
 * rules/feedback-alignment.ts and rules/direct-feedback-alignment.ts, so B is the same B):
 *   Δz_j = g'(z_j) · Δy_j
 *   FA    push  b_ij · Δz_j  back along synapse i            (never w_ij)
 *   DFA   the output neuron k pushes b_ki · Δz_k to every hidden unit i of every hidden layer,
 *         through one broadcast tract per hidden layer (direct-tract.ts); hidden neurons push nothing
 * The receiving side is back-prop's: Δy_i = Σ b Δz, summed in sender order as the matrix form's
 * Bᵀ product, then each synapse updates δw_ij = −η x_i Δz_j from its own trace.
 */
import type { RuleName } from '../nn/engine.ts';
import type { Behaviour, Cell, FixedFeedback } from './behaviour.ts';

export function fixedFeedbackBehaviour(rule: RuleName, fixedFeedback: FixedFeedback): Behaviour {
  return {
    rule,
    fixedFeedback,
    switchToError(cell: Cell, Δy: number): number {
      const Δz = cell.activation.dg(cell.z, cell.y) * Δy;
      const { feedback: b, pushed } = cell;
      if (pushed !== null) for (let t = 0; t < pushed.length; t++) pushed[t] = b![t]! * Δz;
      return Δz;
    },
  };
}
