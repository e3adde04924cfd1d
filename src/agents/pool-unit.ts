/**
 * A pool unit: one output position (c, oy, ox) of a pool layer (nn/pool.ts), an agent like a neuron
 * whose synapses are its window's inputs x[c, oy·s + ky, ox·s + kx] in row-major (ky, kx) order,
 * and whose weights do not learn: they are its routing.
 *   max       forward: z = y = the window's maximum; the unit remembers its winner, the first synapse
 *             (in window order) holding the maximum, as routing weights 1 on the winner and 0 elsewhere
 *             error:   Δz = Δy, and it pushes 1·Δz back to the winner and 0 to every other input
 *   average   forward: z = y = (Σ window) · (1/size²), routing weights 1/size² fixed
 *             error:   Δz = Δy, and it pushes (1/size²)·Δz back to every input of its window
 * So the error goes back exactly where the forward value came from: a local story, since the unit
 * needs nothing but what it saw in its own forward pass. The same for every two-phase rule: a pool
 * layer has no weights, so feedback alignment and the sign-symmetry family route through it as
 * back-prop does (nn/pool.ts is their matrix form too). It makes no weight-update events.
 */
import { firstMaximum, windowAverage } from '../nn/pool.ts';
import type { PoolMode } from '../nn/spec.ts';
import type { Behaviour, Cell } from './behaviour.ts';
import type { Volley } from './messages.ts';
import { Neuron, type NeuronInit } from './neuron.ts';

/** Back-prop's switch on the routing weights (a pool unit's activation is the identity: Δz = 1·Δy). */
const poolBehaviour: Behaviour = {
  switchToError(cell: Cell, Δy: number): number {
    const Δz = cell.activation.dg(cell.z, cell.y) * Δy;
    const { w, pushed } = cell;
    if (pushed !== null) for (let t = 0; t < w.length; t++) pushed[t] = w[t]! * Δz;
    return Δz;
  },
};

type Fixed = 'weights' | 'bias' | 'pre' | 'backWeights' | 'behaviour' | 'batch$';

export interface PoolUnitInit extends Omit<NeuronInit, Fixed> {
  mode: PoolMode;
  /** The window's input indices, in row-major (ky, kx) order (nn/pool.ts poolWindow). */
  window: Int32Array;
}

export class PoolUnit extends Neuron {
  readonly mode: PoolMode;
  /** Max: the synapse (position in the window) that won the last forward pass. */
  winner = 0;
  private readonly scale: number;

  constructor(init: PoolUnitInit) {
    const k = init.window.length;
    const routing = new Float64Array(k).fill(init.mode === 'max' ? 0 : 1 / k);
    super({
      ...init,
      weights: routing,
      bias: 0,
      pre: init.window,
      backWeights: null,
      behaviour: poolBehaviour,
      batch$: null,
    });
    this.mode = init.mode;
    this.scale = 1 / k;
  }

  override forward(v: Volley): void {
    const x = v.values;
    const { w } = this;
    const pre = this.pre!;
    if (this.mode === 'max') {
      w[this.winner] = 0;
      this.winner = firstMaximum(x, pre);
      w[this.winner] = 1;
      this.z = x[pre[this.winner]!]!;
    } else this.z = windowAverage(x, pre, 0, pre.length, this.scale);
    this.y = this.z;
    this.fire(v.tick + 1);
  }

  /** No synapse learns: the routing is not a weight. */
  protected override learnLocally(): void {}
}
