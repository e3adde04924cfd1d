/**
 * Softmax cross-entropy as a behaviour of the output group: each output neuron is a member that
 * normalises by two rounds of lateral messages through the group's tract (it hears itself too).
 *   round 1 (with the activation, tick L)   send y_j;          hear all: m = max_k y_k
 *   round 2 (tick L + 1)                    send e_j = e^(y_j − m); hear all: s = Σ_k e_k,  lse = m + log s
 * Meanwhile the teacher answers with t (tick L + 1). With both (tick L + 2):
 *   log p_j = y_j − lse,   p_j = e^(log p_j),   Δy_j = p_j − t_j,   E_j = −t_j log p_j  (0 where t_j = 0)
 * The max shift is nn/loss.ts's log-sum-exp, summed in the same order, so p and E agree bit for bit.
 * Re-evaluation (predictive coding's inference) runs the two rounds again at a new y_j with the
 * target already known, and reports nothing to the teacher.
 */
import { neuronName } from './agent-error.ts';
import { Axon, type Source } from './axon.ts';
import type { Nudge, Readout, Signal, Volley } from './messages.ts';
import type { OutputRole } from './output-role.ts';

export class SoftmaxMember implements OutputRole {
  readonly readout = new Axon<Readout>();
  /** This member's lateral axon into the group's tract. */
  readonly lateral = new Axon<Signal>();
  private arrive: (Δy: number, tick: number) => void = () => {};
  private y = 0;
  private m = 0;
  private lse = 0;
  private t = 0;
  private Δy = 0;
  private learn = false;
  /** Whether this evaluation reports to the teacher (the free phase's does; a re-evaluation does not). */
  private reporting = false;
  private round = 0;
  /** Messages still awaited before Δy can be formed: the normaliser and the teacher's nudge. */
  private waiting = 0;
  private tick = 0;
  /** Symmetric merged's second nudge, come before Δy was formed (scheduled mode): its tick, or −1. */
  private secondNudge = -1;

  constructor(
    readonly layer: number,
    readonly index: number,
    group$: Source<Volley>,
    nudges$: Source<Nudge>,
  ) {
    const name = neuronName(layer, index); // the member is part of its neuron
    group$.listen((v) => this.heard(v), name);
    nudges$.listen((n) => this.nudged(n), name);
  }

  attach(arrive: (Δy: number, tick: number) => void): void {
    this.arrive = arrive;
  }

  activated(y: number, tick: number): void {
    this.y = y;
    this.round = 1;
    this.waiting = 2;
    this.reporting = true;
    this.tick = tick;
    this.send(tick, y);
  }

  reevaluate(y: number, tick: number): void {
    this.y = y;
    this.round = 1;
    this.waiting = 1; // the target is known: only the normaliser is awaited
    this.reporting = false;
    this.tick = tick;
    this.send(tick, y);
  }

  private send(tick: number, value: number): void {
    this.lateral.next({ kind: 'lateral', tick, layer: this.layer, neuron: this.index, value });
  }

  private heard(v: Volley): void {
    const values = v.values;
    if (this.round === 1) {
      let m = -Infinity;
      for (let k = 0; k < values.length; k++) if (values[k]! > m) m = values[k]!;
      this.m = m;
      this.round = 2;
      this.send(v.tick + 1, Math.exp(this.y - m));
      return;
    }
    let s = 0;
    for (let k = 0; k < values.length; k++) s += values[k]!;
    this.lse = this.m === -Infinity ? -Infinity : this.m + Math.log(s);
    this.round = 0;
    this.join(v.tick + 1);
  }

  private nudged(n: Nudge): void {
    if (n.phase > 0) {
      // The second nudge (symmetric merged): the same Δy_j again, nothing new to report (once Δy_j is formed).
      if (this.waiting > 0) this.secondNudge = n.tick + 1;
      else if (this.learn) this.arrive(this.Δy, n.tick + 1);
      return;
    }
    this.t = n.values[this.index]!;
    this.learn = n.learn;
    this.join(n.tick + 1);
  }

  private join(tick: number): void {
    if (tick > this.tick) this.tick = tick;
    if (--this.waiting > 0) return;
    const logp = this.y - this.lse;
    const p = Math.exp(logp);
    const Δy = p - this.t;
    this.Δy = Δy;
    if (this.reporting) {
      this.readout.next({ neuron: this.index, prediction: p, loss: this.t !== 0 ? -(this.t * logp) : 0 });
    }
    if (this.learn) this.arrive(Δy, this.tick);
    if (this.secondNudge >= 0) {
      const tick = this.secondNudge;
      this.secondNudge = -1;
      if (this.learn) this.arrive(Δy, tick);
    }
  }
}
