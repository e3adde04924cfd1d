/**
 * A leaky neuron: one state u(t), integrated by Euler steps that it schedules itself on the clock (an RxJS
 * SchedulerLike in virtual time), and one output r(t) = g(u(t)) that it sends once every step:
 *
 *   at t₀ + k·h         send r = g(u) up, and w_ij·(its change) down along each synapse i
 *   at t₀ + (k + ½)·h   u ← u + (h/τ)·(−u + Σ_i w_ij x_i + b_j + f_j)      (x_i: the latest rates that arrived)
 *
 * Sending and integrating half a step apart makes every step use the rates sent before it, whatever order
 * the clock runs the neurons of one instant in (Euler's, not Gauss–Seidel's). A pattern starts from rest,
 * u = 0. The top-down input f_j, what goes down each synapse and what the synapses learn come from its
 * protocol (the rule's part; rules/merged-continuous.ts). The neuron owns its weights, its state, its traces
 * and its pending updates; it holds no reference to another neuron and talks through streams.
 *
 * Batch boundary (η, B): w_ij ← w_ij − η·(1/B)·Σ_p x̄_pi·post_pj, b_j ← b_j − η·(1/B)·Σ_p post_pj.
 */
import type { Observable, SchedulerLike, Subject, Subscription } from 'rxjs';
import type { Activation } from '../nn/activation.ts';

export type LeakyPhase = 'plus' | 'minus' | 'end';

/** A phase boundary, broadcast by the teacher: Δy holds ∂E/∂y per output neuron (read by the output neurons). */
export interface PhaseSignal {
  phase: LeakyPhase;
  time: number;
  Δy: Float64Array;
}

/** One neuron's output at one instant: its rate, and what each of its synapses carries down. */
export interface Rate {
  time: number;
  readonly layer: number;
  readonly neuron: number;
  r: number;
  /** pushed[i]: what synapse i carries back to presynaptic neuron i; null in the first layer. */
  readonly pushed: Float64Array | null;
}

export interface LeakyProtocol {
  phase(p: LeakyPhase, Δy: number): void;
  /** f_j, given the sum of what came down from the layer above. */
  extra(fromAbove: number): number;
  push(pushed: Float64Array): void;
}

export interface LeakyNeuronInit {
  layer: number;
  index: number;
  activation: Activation;
  weights: Float64Array;
  bias: number;
  /** τ and the Euler step h. */
  τ: number;
  h: number;
  clock: SchedulerLike;
  /** Rates of the layer below (the first layer: the input's, as one pattern volley). */
  below$: Observable<Rate> | Observable<Float64Array>;
  /** Rates (with their pushed changes) of the layer above; null at the output. */
  above$: Observable<Rate> | null;
  /** Units in the layer above (how many changes come down). */
  aboveSize: number;
  /** Where this neuron's rates go. */
  axon: Subject<Rate>;
  phases$: Observable<PhaseSignal>;
  batch$: Observable<{ η: number; B: number }>;
  /** Whether it pushes changes down (not in the first layer). */
  pushes: boolean;
  fault: ClockFault;
}

/**
 * The first exception of any agent, kept here: a subscriber's exception would otherwise be rethrown later
 * from a timer, so every handler records it and every clock action rethrows it, which stops the clock at once.
 */
export class ClockFault {
  error: { cause: unknown } | null = null;

  record(e: unknown): void {
    this.error ??= { cause: e };
  }

  /** Throw the recorded exception, if any (inside a clock action: the clock's flush throws it). */
  check(): void {
    if (this.error !== null) throw this.error.cause;
  }

  /** Wrap a stream handler so that its exception is recorded. */
  guard<T>(f: (m: T) => void): (m: T) => void {
    return (m) => {
      try {
        f(m);
      } catch (e) {
        this.record(e);
      }
    };
  }
}

export class LeakyNeuron {
  readonly layer: number;
  readonly index: number;
  readonly activation: Activation;
  readonly w: Float64Array;
  b: number;
  /** The latest presynaptic rates x_i(t). */
  readonly x: Float64Array;
  u = 0;
  r = 0;
  protocol: LeakyProtocol | null = null;
  private readonly fromAbove: Float64Array;
  private readonly gw: Float64Array;
  private gb = 0;
  private readonly τ: number;
  private readonly h: number;
  private readonly clock: SchedulerLike;
  private readonly axon: Subject<Rate>;
  private readonly out: Rate;
  private running = false;
  private readonly fault: ClockFault;
  private readonly subscriptions: Subscription[] = [];

  constructor(o: LeakyNeuronInit) {
    this.layer = o.layer;
    this.index = o.index;
    this.activation = o.activation;
    this.w = Float64Array.from(o.weights);
    this.b = o.bias;
    this.x = new Float64Array(o.weights.length);
    this.gw = new Float64Array(o.weights.length);
    this.fromAbove = new Float64Array(o.aboveSize);
    this.τ = o.τ;
    this.h = o.h;
    this.clock = o.clock;
    this.axon = o.axon;
    this.out = {
      time: 0,
      layer: o.layer,
      neuron: o.index,
      r: 0,
      pushed: o.pushes ? new Float64Array(o.weights.length) : null,
    };
    this.fault = o.fault;
    const fault = o.fault;
    const guard = <T>(f: (m: T) => void): ((m: T) => void) => fault.guard(f);
    this.subscriptions.push(
      (o.below$ as Observable<Rate | Float64Array>).subscribe(
        guard((m: Rate | Float64Array) => {
          if (m instanceof Float64Array) this.x.set(m);
          else this.x[m.neuron] = m.r;
        }),
      ),
    );
    if (o.above$ !== null)
      this.subscriptions.push(
        o.above$.subscribe(guard((m: Rate) => (this.fromAbove[m.neuron] = m.pushed![this.index]!))),
      );
    this.subscriptions.push(o.phases$.subscribe(guard((s: PhaseSignal) => this.onPhase(s))));
    this.subscriptions.push(o.batch$.subscribe(guard(({ η, B }: { η: number; B: number }) => this.apply(η, B))));
  }

  /** A new pattern: from rest, start stepping. */
  start(): void {
    this.u = 0;
    this.r = this.activation.g(0);
    this.fromAbove.fill(0);
    this.running = true;
    this.clock.schedule(() => this.send(), 0);
    this.clock.schedule(() => this.step(), this.h / 2);
  }

  private step(): void {
    this.fault.check();
    if (!this.running) return;
    const { w, x } = this;
    let s = this.b;
    for (let i = 0; i < w.length; i++) s += w[i]! * x[i]!;
    if (this.protocol !== null) {
      let above = 0;
      for (let k = 0; k < this.fromAbove.length; k++) above += this.fromAbove[k]!;
      s += this.protocol.extra(above);
    }
    this.u += (this.h / this.τ) * (s - this.u);
    this.r = this.activation.g(this.u);
    this.clock.schedule(() => this.send(), this.h / 2);
    this.clock.schedule(() => this.step(), this.h);
  }

  private send(): void {
    this.fault.check();
    if (!this.running) return;
    const out = this.out;
    out.time = this.clock.now();
    out.r = this.r;
    if (out.pushed !== null && this.protocol !== null) this.protocol.push(out.pushed);
    this.axon.next(out);
  }

  private onPhase(s: PhaseSignal): void {
    // Only an output neuron (none above it) reads the teacher's Δy.
    this.protocol?.phase(s.phase, this.fromAbove.length === 0 ? s.Δy[this.index]! : 0);
    if (s.phase === 'end') this.running = false;
  }

  /** Its synapses' local update for this pattern: x̄_i·post to each pending sum (the bias: post). */
  learn(xBar: Float64Array, post: number): void {
    const gw = this.gw;
    for (let i = 0; i < gw.length; i++) gw[i] = gw[i]! + xBar[i]! * post;
    this.gb += post;
  }

  private apply(η: number, B: number): void {
    const { w, gw } = this;
    for (let i = 0; i < w.length; i++) {
      w[i] = w[i]! - (η / B) * gw[i]!;
      gw[i] = 0;
    }
    this.b -= (η / B) * this.gb;
    this.gb = 0;
  }

  pendingSums(): { gw: Float64Array; gb: number } {
    return { gw: Float64Array.from(this.gw), gb: this.gb };
  }

  setPendingSums(gw: ArrayLike<number>, gb: number): void {
    this.gw.set(gw);
    this.gb = gb;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }
}
