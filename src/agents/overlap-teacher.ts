/**
 * The teacher under overlapping presentations: it keeps each presented pattern's target under its id
 * until that pattern's outputs have all arrived, then computes E and Δy = ∂E/∂y (nn/loss.ts, in j
 * order) and, for a learned pattern, sends Δy back to the output neurons with the pattern's η.
 * It remembers E and the prediction of the latest pattern it has answered.
 */
import { makeLoss, type Loss } from '../nn/loss.ts';
import type { LossName } from '../nn/spec.ts';
import { Axon, type Source } from './axon.ts';
import type { PatternActivation, PatternErrorVolley } from './overlap-messages.ts';
import { PatternCollector } from './pattern-collector.ts';

interface Target {
  readonly t: Float64Array;
  readonly η: number;
  readonly learn: boolean;
}

export class OverlapTeacher {
  readonly nudges = new Axon<PatternErrorVolley>();
  readonly prediction: Float64Array;
  /** E of the latest pattern answered (0 before the first). */
  E = 0;
  /** How many patterns have been answered. */
  answered = 0;
  private readonly loss: Loss;
  private readonly targets = new Map<number, Target>();
  private readonly collector: PatternCollector<PatternActivation>;

  constructor(
    readonly size: number,
    loss: LossName,
    private readonly now: () => number,
  ) {
    this.loss = makeLoss(loss);
    this.prediction = new Float64Array(size);
    this.collector = new PatternCollector(size, (p, ys) => this.answer(p, ys));
  }

  /** Listen to the output neurons' axons (neuron j: output j). */
  connect(outputs: readonly Source<PatternActivation>[]): void {
    outputs.forEach((axon, j) => {
      axon.listen((s) => this.collector.add(j, s), 'the teacher');
    });
  }

  /** Pattern `pattern`'s target, and the η of its update (or learn = false: only evaluated). */
  present(pattern: number, t: ArrayLike<number>, η: number, learn: boolean): void {
    this.targets.set(pattern, { t: Float64Array.from({ length: this.size }, (_, j) => t[j]!), η, learn });
  }

  private answer(pattern: number, ys: readonly PatternActivation[]): void {
    const target = this.targets.get(pattern);
    if (target === undefined) throw new Error(`outputs for pattern ${pattern}, which was never presented`);
    this.targets.delete(pattern);
    const y = Float64Array.from(ys, (s) => s.value);
    const Δy = new Float64Array(this.size);
    this.E = this.loss.evaluate(y, target.t, this.prediction, Δy);
    this.answered++;
    if (target.learn) this.nudges.next({ pattern, tick: this.now(), values: Δy, η: target.η });
  }
}
