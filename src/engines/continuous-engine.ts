/**
 * The agents engine in continuous time (`--dynamics leaky`; README, Continuous time): the net as a leaky
 * circuit (agents/leaky-circuit.ts) whose neurons step themselves on the circuit's clock (agents/clock.ts,
 * an RxJS SchedulerLike, the one every timing runs on), under the merged rule in its continuous form
 * (rules/merged-continuous.ts). Time is the clock's, in the units of τ and dt; it runs on across patterns.
 *
 * Presenting a pattern: the input volley, the teacher and every neuron start at the clock's now, then the
 * clock is flushed until the teacher's 'end' has stopped every neuron. An exception in any agent stops the
 * flush at once and is thrown from here, and from every later call; nothing computed after it is returned.
 */
import type { SchedulerLike } from 'rxjs';
import { InputError } from '../core/errors.ts';
import { allFinite } from '../core/tensor.ts';
import type { Engine } from '../nn/engine.ts';
import type { GradientResult } from '../nn/network.ts';
import type { Params } from '../nn/params.ts';
import type { NetSpec } from '../nn/spec.ts';
import { Clock } from '../agents/clock.ts';
import { wireLeaky, type LeakyCircuit } from '../agents/leaky-circuit.ts';
import type { Rate } from '../agents/leaky-neuron.ts';
import type { PhaseTimes } from '../agents/leaky-teacher.ts';
import { MAX_FREE_STEPS, MergedLeaky, type LeakySettings } from '../rules/merged-continuous.ts';
import type { MergedSettings } from '../rules/merged.ts';
import { gather, gradientFromSums } from './gradient-from-sums.ts';

/** A clock in virtual time that runs everything scheduled on it (the circuit's Clock, or RxJS's VirtualTimeScheduler). */
export type FlushableClock = SchedulerLike & { flush(): void };

/** One rate as recorded: time, layer, neuron, r. */
export interface RateRecord {
  time: number;
  layer: number;
  neuron: number;
  r: number;
}

export class ContinuousEngine implements Engine {
  readonly name = 'agents' as const;
  readonly clock: FlushableClock;
  readonly circuit: LeakyCircuit;
  private patterns = 0;
  private recording: RateRecord[] | null = null;

  constructor(
    readonly spec: NetSpec,
    params: Params,
    readonly merged: MergedSettings,
    readonly leaky: LeakySettings,
    clock: FlushableClock = new Clock(),
  ) {
    this.clock = clock;
    this.circuit = wireLeaky(spec, params, {
      ...leaky,
      symmetric: merged.symmetric,
      maxFreeSteps: MAX_FREE_STEPS,
      clock: this.clock,
      protocol: (n) => new MergedLeaky(n, merged),
    });
    for (const axon of this.circuit.axons) {
      axon.subscribe((m: Rate) => this.recording?.push({ time: m.time, layer: m.layer, neuron: m.neuron, r: m.r }));
    }
  }

  /** The clock's time now. */
  get now(): number {
    return this.clock.now();
  }

  get prediction(): Float64Array {
    return this.circuit.teacher.prediction;
  }

  /** The phases of the last pattern presented. */
  get phaseTimes(): PhaseTimes {
    return { ...this.circuit.teacher.times };
  }

  /** Record every rate sent from now on; `stopRecording` returns them, in the order they were sent. */
  record(): void {
    this.recording = [];
  }

  stopRecording(): RateRecord[] {
    const r = this.recording ?? [];
    this.recording = null;
    return r;
  }

  learn(x: Float64Array, t: ArrayLike<number>): number {
    this.patterns++;
    return this.present(x, t, true);
  }

  evaluate(x: Float64Array, t: ArrayLike<number>): number {
    return this.present(x, t, false);
  }

  private present(x: Float64Array, t: ArrayLike<number>, learn: boolean): number {
    const { input, layers, teacher, fault } = this.circuit;
    const n = this.spec.input[0]!;
    if (x.length !== n) throw new InputError(`a pattern has ${x.length} inputs, but the net takes ${n}`);
    if (!allFinite(x)) throw new InputError('a pattern has a non-finite input');
    input.next(x);
    teacher.present(t, learn);
    for (const layer of layers) for (const neuron of layer) neuron.start();
    try {
      this.clock.flush();
    } catch (e) {
      fault.record(e); // the circuit stopped mid-pattern: it stays stopped
      throw e;
    }
    fault.check();
    return teacher.E;
  }

  step(η: number): void {
    if (this.patterns === 0) return;
    this.circuit.batch.next({ η, B: this.patterns });
    this.circuit.fault.check();
    this.patterns = 0;
  }

  gradient(inputs: Float64Array[], targets: ArrayLike<number>[]): GradientResult {
    return gradientFromSums(
      {
        read: () => this.readSums(),
        write: (sums) => this.writeSums(sums),
        present: (x, t) => this.present(x, t, true),
        prediction: () => this.prediction,
      },
      inputs,
      targets,
    );
  }

  snapshot(): Params {
    return { layers: this.circuit.layers.map((layer) => gather(layer.map((n) => ({ w: n.w, b: n.b })))) };
  }

  nonFiniteLayer(): number | null {
    const l = this.circuit.layers.findIndex((layer) => !layer.every((n) => allFinite(n.w) && Number.isFinite(n.b)));
    return l < 0 ? null : l;
  }

  private readSums(): Params {
    return {
      layers: this.circuit.layers.map((layer) =>
        gather(
          layer.map((n) => {
            const { gw, gb } = n.pendingSums();
            return { w: gw, b: gb };
          }),
        ),
      ),
    };
  }

  private writeSums(sums: Params): void {
    this.circuit.layers.forEach((layer, l) => {
      const { weights, bias } = sums.layers[l]!;
      layer.forEach((n, j) => {
        n.setPendingSums(weights.subarray(j * n.w.length, (j + 1) * n.w.length), bias[j]!);
      });
    });
  }
}
