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
 *
 * Protocol rules (merged, predictive coding) run the unit as any neuron of theirs, with the identity
 * as activation and the pool in place of b + Σ w·x: every volley from below, the first of a pattern
 * or a later one of PC's inference, is pooled afresh (a max-pool unit re-elects its winner), and
 * what the rule sends down goes along the routing weights, as back-prop's pool backward does:
 *   merged   c = (z + shift) − y,  pushed 1·c to the winner (max) or c/size² to every input (average)
 *   PC       μ = pool(g(v) below),  ε = μ − v,  v ← v + γ(ε − fb),  ε pushed along the routing
 * (src/rules/merged.ts and predictive-coding.ts write these out.) The rule's `learn` changes nothing here.
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

type Fixed = 'weights' | 'bias' | 'pre' | 'backWeights' | 'batch$';

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
      // A protocol rule takes the unit's inputs; a two-phase rule's switch is replaced by back-prop's on the routing.
      behaviour: init.behaviour.protocol === undefined ? poolBehaviour : init.behaviour,
      batch$: null,
    });
    this.mode = init.mode;
    this.scale = 1 / k;
  }

  /** z = y = the pooled window (nothing is learned here: no trace is kept). */
  override integrate(v: Volley): void {
    this.z = this.pool(v.values);
    this.y = this.z;
  }

  /** A later volley of the pattern (PC's inference): the window pooled afresh, the routing with it. */
  override take(v: Volley): number {
    return this.pool(v.values);
  }

  /** The window's maximum (its winner becomes the routing) or average. */
  private pool(x: Float64Array): number {
    const pre = this.pre!;
    if (this.mode === 'average') return windowAverage(x, pre, 0, pre.length, this.scale);
    const { w } = this;
    w[this.winner] = 0;
    this.winner = firstMaximum(x, pre);
    w[this.winner] = 1;
    return x[pre[this.winner]!]!;
  }

  /** No synapse learns: the routing is not a weight. */
  protected override learnLocally(): void {}
}
