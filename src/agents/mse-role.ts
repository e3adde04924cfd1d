/**
 * The output role for the mse loss: the teacher's nudge carries t_j, and
 *   Δy_j = y_j − t_j,   E_j = ½ Δy_j²,   prediction y_j
 * (the same expressions, in the same order, as nn/loss.ts).
 */
import { neuronName } from './agent-error.ts';
import { Axon, type Source } from './axon.ts';
import type { Nudge, Readout } from './messages.ts';
import type { OutputRole } from './output-role.ts';

export class MseRole implements OutputRole {
  readonly readout = new Axon<Readout>();
  private y = 0;
  /** The target of the current pattern (kept for re-evaluation). */
  private t = 0;
  private Δy = 0;
  private arrive: (Δy: number, tick: number) => void = () => {};

  constructor(
    readonly layer: number,
    readonly index: number,
    nudges$: Source<Nudge>,
  ) {
    nudges$.listen((n) => this.nudged(n), neuronName(layer, index)); // the role is part of its neuron
  }

  attach(arrive: (Δy: number, tick: number) => void): void {
    this.arrive = arrive;
  }

  activated(y: number): void {
    this.y = y;
  }

  reevaluate(y: number, tick: number): void {
    this.arrive(y - this.t, tick);
  }

  private nudged(n: Nudge): void {
    if (n.phase > 0) {
      // The second nudge (symmetric merged): the same Δy_j again, nothing new to report.
      if (n.learn) this.arrive(this.Δy, n.tick + 1);
      return;
    }
    this.t = n.values[this.index]!;
    const Δy = this.y - this.t;
    this.Δy = Δy;
    this.readout.next({ neuron: this.index, prediction: this.y, loss: 0.5 * Δy * Δy });
    if (n.learn) this.arrive(Δy, n.tick + 1);
  }
}
