/**
 * The per-synapse view of a neuron's weight-update event: one record per synapse (pre → post)
 * with its x_i·Δz_j, and one for the bias (pre = −1: the virtual input fixed at 1, so Δz_j).
 * Allocates records: for observers (reports, the trace), never on the learning path.
 */
import type { SynapseUpdate, WeightUpdate } from './messages.ts';

export function synapseUpdates(e: WeightUpdate): SynapseUpdate[] {
  const out: SynapseUpdate[] = [];
  for (let t = 0; t < e.xΔz.length; t++)
    out.push({ tick: e.tick, layer: e.layer, pre: e.pre === null ? t : e.pre[t]!, post: e.neuron, xΔz: e.xΔz[t]! });
  out.push({ tick: e.tick, layer: e.layer, pre: -1, post: e.neuron, xΔz: e.Δz });
  return out;
}
