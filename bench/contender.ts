/**
 * A contender in the side-by-side benchmark: a library (or one of localprop's engines) that
 * trains the benchmark's net from the same initial weights, on the same patterns in the same
 * order, with the same SGD step w ← w − η · (1/B) Σ_p ∂E_p/∂w.
 */
import type { Params } from '../src/nn/params.ts';
import type { NetSpec } from '../src/nn/spec.ts';
import type { Workload } from '../experiments/shared/timing.ts';
import type { BenchData } from './fashion-mnist.ts';

export interface BenchSetup {
  spec: NetSpec;
  params: Params;
  data: BenchData;
  η: number;
}

/** A contender's training loop, as the timing harness runs it. */
export interface Trainer extends Workload {
  /**
   * Train on `count` patterns (a multiple of the batch size) starting at pattern `start`, one step
   * per batch, wrapping around the data. Returns Σ E over the patterns (softmax cross-entropy).
   */
  run(start: number, count: number): number;
  /** Σ E over `count` patterns from `start` at the current weights, without learning (the loss check). */
  evaluate(start: number, count: number): number;
  dispose?(): void;
  /** Facts about this contender worth recording (backend flags, thread count, …). */
  readonly details?: Record<string, unknown>;
}

export interface Contender {
  readonly id: string;
  readonly label: string;
  /** Where this contender departs from the common setup; empty when it does not. */
  readonly note: string;
  /** How its training step is written (its fastest correct way), as bench.json records it. */
  readonly written: string;
  /**
   * For a contender whose step is not the common one anyway (synaptic, with its own cost): when its
   * loss check fails at the common η, it is checked once more at η × this factor, and timed there if
   * it passes (a step costs the same at any η). Both checks are recorded.
   */
  readonly retryηFactor?: number;
  /** Whether it trains this net in minibatches of this size. */
  supports(spec: NetSpec, batch: number): boolean;
  /** Throws when the contender is unavailable; the run reports it as missing. */
  create(setup: BenchSetup, batch: number): Promise<Trainer>;
}
