/**
 * The teacher: it watches the output volley (tick L) and answers each output neuron with its
 * target t_j (a nudge, tick L + 1), saying whether the pattern is learned or only evaluated. It
 * reads the output neurons' reports: prediction_j, and E = Σ_j E_j summed in j order (as nn/loss.ts).
 * With `phases` = 2 (symmetric merged) it nudges a learned pattern a second time, one tick later,
 * once the first nudge's effects have run their course: the outputs then move by −β.
 */
import { Axon, type Source } from './axon.ts';
import type { Nudge, Readout, Volley } from './messages.ts';

export class Teacher {
  readonly nudges = new Axon<Nudge>();
  readonly prediction: Float64Array;
  /** E for the last pattern. */
  E = 0;
  private readonly nudge: Nudge;

  constructor(
    readonly size: number,
    output$: Source<Volley>,
    readonly phases = 1,
  ) {
    this.prediction = new Float64Array(size);
    this.nudge = { tick: 0, values: new Float64Array(size), finite: true, learn: false, phase: 0 };
    output$.listen((v) => this.answer(v), 'the teacher');
  }

  connect(readouts: readonly Source<Readout>[]): void {
    for (const r of readouts) r.listen((report) => this.read(report), 'the teacher');
  }

  /** The target for the next pattern. */
  present(t: ArrayLike<number>, learn: boolean): void {
    const targets = this.nudge.values;
    for (let j = 0; j < this.size; j++) targets[j] = t[j]!;
    this.nudge.learn = learn;
  }

  private answer(v: Volley): void {
    this.E = 0;
    this.nudge.tick = v.tick + 1;
    this.nudge.phase = 0;
    this.nudges.next(this.nudge);
    if (this.phases > 1 && this.nudge.learn) {
      this.nudge.tick = v.tick + 2;
      this.nudge.phase = 1;
      this.nudges.next(this.nudge);
    }
  }

  private read(r: Readout): void {
    this.prediction[r.neuron] = r.prediction;
    this.E += r.loss;
  }
}
