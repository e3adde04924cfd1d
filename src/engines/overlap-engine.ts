/**
 * The agents engine under overlapping presentations (`--timing scheduled --present-every P`; README,
 * The agents engine): a new pattern enters the circuit (agents/overlap-circuit.ts) every P ticks of its
 * clock while earlier patterns' errors still travel, and each synapse learns when its pattern's error
 * arrives (batch 1). engines/delayed-sgd.ts computes the same weights in matrix form.
 *
 * Driven by the training loop: learn(x, t) hands over a pattern and step(η) presents it, with its η, at
 * the next slot (S + k·P), after running the clock up to that slot; the clock is not run past it, so
 * the pattern travels on during the next ones. learn() returns E of the latest pattern whose outputs
 * reached the teacher (0 before the first): a pattern's own E is known only later.
 * A probe (evaluate, snapshot, nonFiniteLayer) first drains the circuit: presentation pauses until
 * every error has arrived and been written, and the next pattern starts a new run of slots at the
 * next whole tick. evaluate() then runs the drained weights forward as the experimenter (nn/network.ts,
 * the same sums in the same order), since an evaluated pattern learns nothing and needs no pipeline.
 * An exception in any agent stops the engine for good, as in the agents engine.
 */
import { InputError } from '../core/errors.ts';
import type { Engine } from '../nn/engine.ts';
import { Network, type GradientResult } from '../nn/network.ts';
import type { Params } from '../nn/params.ts';
import type { NetSpec } from '../nn/spec.ts';
import { directFeedbackMatrices, feedbackAlignmentMatrices, type RuleOptions } from '../rules/index.ts';
import { AgentError } from '../agents/agent-error.ts';
import { drawOverlapDelays, wireOverlap, type OverlapCircuit, type OverlapDelays } from '../agents/overlap-circuit.ts';
import type { WeightVersion } from '../agents/overlap-neuron.ts';
import type { DelaySummary, Timing } from '../agents/timing.ts';
import { resolveLayers } from '../nn/spec.ts';
import { sizeOf } from '../core/tensor.ts';
import { gather } from './gradient-from-sums.ts';

/** The rules whose update a neuron can make from one pattern's trace and error alone. */
export const OVERLAP_RULES = ['backprop', 'feedback-alignment', 'direct-feedback-alignment'] as const;

export type OverlapTiming = Timing & { mode: 'scheduled'; presentEvery: number };

export class OverlapEngine implements Engine {
  readonly name = 'agents' as const;
  readonly circuit: OverlapCircuit;
  readonly presentEvery: number;
  readonly weightVersion: WeightVersion;
  /** The delays' summary, as the scheduled agents engine writes it. */
  readonly delaySummary: DelaySummary;
  private pending: { x: Float64Array; t: ArrayLike<number> } | null = null;
  /** Patterns presented so far (the next one's id). */
  private presented = 0;
  /** The time of the next slot. */
  private slot = 0;
  private fault: AgentError | null = null;
  private probe: Network | null = null;
  readonly prediction: Float64Array;

  constructor(
    readonly spec: NetSpec,
    params: Params,
    readonly rule: RuleOptions,
    timing: OverlapTiming,
  ) {
    if (!(OVERLAP_RULES as readonly string[]).includes(rule.rule)) {
      const rules = `${OVERLAP_RULES.slice(0, -1).join(', ')} or ${OVERLAP_RULES[OVERLAP_RULES.length - 1]}`;
      throw new InputError(`--present-every applies to --rule ${rules}, not ${rule.rule}`);
    }
    const layers = resolveLayers(spec);
    const conv = layers.findIndex((l) => l.type !== 'dense');
    if (conv >= 0) throw new InputError(`--present-every takes dense nets; layer ${conv} is ${layers[conv]!.type}`);
    const P = timing.presentEvery;
    if (!Number.isSafeInteger(P) || P < 1) throw new InputError(`--present-every: expected whole ticks ≥ 1, got ${P}`);
    this.presentEvery = P;
    this.weightVersion = timing.weights ?? 'stale';
    const sizes = layers.map((l) => sizeOf(l.outShape));
    const direct = rule.rule === 'direct-feedback-alignment';
    const delays = drawOverlapDelays(sizes, timing.delay, timing.jitter, timing.random, direct);
    const seed = (rule as { feedbackSeed?: string }).feedbackSeed;
    const back =
      rule.rule === 'feedback-alignment'
        ? feedbackAlignmentMatrices(spec, seed)
        : direct
          ? directFeedbackMatrices(spec, seed)
          : layers.map(() => null);
    this.circuit = wireOverlap(spec, params, back, this.weightVersion, delays);
    this.prediction = this.circuit.teacher.prediction;
    this.delaySummary = summarise(delays, timing);
  }

  /** Every connection's delay. */
  get delays(): OverlapDelays {
    return this.circuit.delays;
  }

  learn(x: Float64Array, t: ArrayLike<number>): number {
    this.check();
    if (this.pending !== null) throw new InputError('--present-every learns one pattern per step (--batch 1)');
    const n = sizeOf(this.spec.input);
    if (x.length !== n) throw new InputError(`a pattern has ${x.length} inputs, but the net takes ${n}`);
    this.pending = { x: Float64Array.from(x), t };
    return this.circuit.teacher.E;
  }

  step(η: number): void {
    this.check();
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    this.probe = null;
    const pattern = this.presented++;
    const { clock, input, teacher } = this.circuit;
    this.guard(() => {
      clock.runBefore(this.slot);
      teacher.present(pattern, pending.t, η, true);
      input.next({ pattern, tick: this.slot, values: pending.x });
    });
    this.slot += this.presentEvery;
  }

  /** Let every pattern in flight finish; the next one starts at the next whole tick. */
  drain(): void {
    this.check();
    const clock = this.circuit.clock;
    this.guard(() => clock.run(() => {}));
    this.slot = Math.max(this.slot, Math.floor(clock.now()) + 1);
  }

  evaluate(x: Float64Array, t: ArrayLike<number>): number {
    this.drain();
    this.probe ??= new Network(this.spec, this.snapshot());
    const E = this.probe.evaluate(x, t);
    this.prediction.set(this.probe.prediction);
    return E;
  }

  gradient(): GradientResult {
    throw new InputError('grad does not apply to --present-every: its updates are applied as they arrive');
  }

  snapshot(): Params {
    this.drain();
    return { layers: this.circuit.layers.map((neurons) => gather(neurons.map((n) => ({ w: n.w, b: n.b })))) };
  }

  nonFiniteLayer(): number | null {
    this.drain();
    const l = this.circuit.layers.findIndex(
      (ns) => !ns.every((n) => n.w.every(Number.isFinite) && Number.isFinite(n.b)),
    );
    return l < 0 ? null : l;
  }

  private guard(run: () => void): void {
    try {
      run();
    } catch (e) {
      if (e instanceof AgentError) this.fault = e;
      throw e;
    }
  }

  private check(): void {
    if (this.fault !== null) throw new Error(`the agents engine stopped after a fault in ${this.fault.message}`);
  }
}

function summarise(delays: OverlapDelays, timing: OverlapTiming): DelaySummary {
  const all = [...delays.input, ...delays.axon.flat(), ...delays.error.flat(), ...delays.nudge];
  const sum = all.reduce((s, d) => s + d, 0);
  const setting = timing.jitter === undefined ? `${timing.delay}` : `${timing.jitter[0]}..${timing.jitter[1]}`;
  return { setting, connections: all.length, min: Math.min(...all), mean: sum / all.length, max: Math.max(...all) };
}
