/**
 * The teacher of a leaky circuit: it watches the output rates on the clock, a quarter step after they are
 * sent, and times the phases of a pattern (rules/merged-continuous.ts):
 *   free     until no output moves by more than settle·h/τ between two looks (and not before the input
 *            has had one step per layer to reach them); then it reads the settled
 *            outputs r̄ as the prediction, E and Δy = ∂E/∂y (y − t for mse, p − t for softmax-CE)
 *   nudge    broadcasts 'plus' with Δy (and, symmetric, 'minus' after T), then 'end' after T
 * An evaluated pattern ends at the free phase's end. The phase times are kept for reports.
 */
import { Subject, type Observable, type SchedulerLike } from 'rxjs';
import type { Loss } from '../nn/loss.ts';
import type { ClockFault, PhaseSignal, Rate } from './leaky-neuron.ts';

export interface PhaseTimes {
  start: number;
  /** End of the free phase (the nudge), of the +β phase (symmetric), and of the pattern. */
  settled: number;
  plusEnd: number | null;
  end: number;
}

export class LeakyTeacher {
  readonly phases$ = new Subject<PhaseSignal>();
  readonly prediction: Float64Array;
  E = 0;
  times: PhaseTimes = { start: 0, settled: 0, plusEnd: null, end: 0 };
  private readonly outputs: Float64Array;
  private readonly previous: Float64Array;
  private readonly Δy: Float64Array;
  private target: ArrayLike<number> = [];
  private learn = false;
  private looks = 0;

  constructor(
    readonly size: number,
    output$: Observable<Rate>,
    private readonly loss: Loss,
    private readonly clock: SchedulerLike,
    private readonly o: {
      τ: number;
      h: number;
      T: number;
      settle: number;
      symmetric: boolean;
      maxFreeSteps: number;
      depth: number;
    },
    private readonly fault: ClockFault,
  ) {
    this.prediction = new Float64Array(size);
    this.outputs = new Float64Array(size);
    this.previous = new Float64Array(size);
    this.Δy = new Float64Array(size);
    output$.subscribe(fault.guard((m: Rate) => (this.outputs[m.neuron] = m.r)));
  }

  /** A new pattern, presented now: look at the outputs every step, a quarter step after they are sent. */
  present(t: ArrayLike<number>, learn: boolean): void {
    this.target = t;
    this.learn = learn;
    this.looks = 0;
    this.times = { start: this.clock.now(), settled: NaN, plusEnd: null, end: NaN };
    this.previous.fill(NaN);
    this.clock.schedule(() => this.look(), this.o.h / 4);
  }

  private look(): void {
    this.fault.check();
    const { outputs, previous } = this;
    const tolerance = (this.o.settle * this.o.h) / this.o.τ;
    // Not before the pattern has had time to reach the outputs (one step per layer): until then they may
    // sit still at their resting value.
    let settled = this.looks > this.o.depth;
    let finite = true;
    for (let k = 0; k < outputs.length; k++) {
      if (!Number.isFinite(outputs[k]!)) finite = false;
      if (!(Math.abs(outputs[k]! - previous[k]!) <= tolerance)) settled = false;
    }
    previous.set(outputs);
    this.looks++;
    // A non-finite output cannot settle: the pattern ends, and its E says so.
    if (!settled && finite) {
      if (this.looks > this.o.maxFreeSteps)
        throw new Error(`leaky teacher: the free phase did not settle within ${this.o.maxFreeSteps} steps`);
      this.clock.schedule(() => this.look(), this.o.h);
      return;
    }
    this.E = this.loss.evaluate(outputs, this.target, this.prediction, this.Δy);
    this.times.settled = this.clock.now();
    if (!this.learn) {
      this.broadcast('end');
      return;
    }
    this.broadcast('plus');
    const T = Math.max(1, Math.round(this.o.T / this.o.h)) * this.o.h;
    if (this.o.symmetric) {
      this.clock.schedule(() => {
        this.fault.check();
        this.times.plusEnd = this.clock.now();
        this.broadcast('minus');
        this.clock.schedule(() => this.finish(), T);
      }, T);
    } else {
      this.clock.schedule(() => this.finish(), T);
    }
  }

  private finish(): void {
    this.fault.check();
    this.broadcast('end');
  }

  private broadcast(phase: PhaseSignal['phase']): void {
    if (phase === 'end') this.times.end = this.clock.now();
    this.phases$.next({ phase, time: this.clock.now(), Δy: this.Δy });
    this.fault.check();
  }
}
