/**
 * The teacher: it watches the output volley (tick L) and answers each output neuron with its
 * target t_j (a nudge, tick L + 1), saying whether the pattern is learned or only evaluated. It
 * reads the output neurons' reports: prediction_j, and E = Σ_j E_j summed in j order (as nn/loss.ts),
 * whatever the order they arrive in (collector.ts).
 * With `phases` = 2 (symmetric merged) it nudges a learned pattern a second time, one tick later,
 * once the first nudge's effects have run their course: the outputs then move by −β.
 */
import { Axon, type Source } from './axon.ts';
import { Collector } from './collector.ts';
import type { Nudge, Readout, Volley } from './messages.ts';
import { freshArray } from './fresh-array.ts';

export class Teacher {
  readonly nudges = new Axon<Nudge>();
  readonly prediction: Float64Array;
  /** E for the last pattern. */
  E = 0;
  private targets: Float64Array;
  private learn = false;

  constructor(
    readonly size: number,
    output$: Source<Volley>,
    readonly phases = 1,
  ) {
    this.prediction = new Float64Array(size);
    this.targets = new Float64Array(size);
    output$.listen((v) => this.answer(v), 'the teacher');
  }

  connect(readouts: readonly Source<Readout>[]): void {
    const collector = new Collector<Readout>(readouts.length, (reports) => {
      for (const r of reports) this.read(r);
    });
    readouts.forEach((r, j) => {
      r.listen((report) => collector.add(j, report), 'the teacher');
    });
  }

  /** The target for the next pattern. */
  present(t: ArrayLike<number>, learn: boolean): void {
    const targets = freshArray(this.size);
    for (let j = 0; j < this.size; j++) targets[j] = t[j]!;
    this.targets = targets;
    this.learn = learn;
  }

  private answer(v: Volley): void {
    this.E = 0;
    const { targets, learn } = this;
    this.nudges.next({ tick: v.tick + 1, values: targets, finite: true, learn, phase: 0 });
    if (this.phases > 1 && learn) {
      this.nudges.next({ tick: v.tick + 2, values: targets, finite: true, learn, phase: 1 });
    }
  }

  private read(r: Readout): void {
    this.prediction[r.neuron] = r.prediction;
    this.E += r.loss;
  }
}
