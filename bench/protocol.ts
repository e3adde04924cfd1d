/**
 * The line protocol between the bench and a contender in a process of its own (contender-process.ts
 * for JavaScript, pytorch.py for PyTorch). The bench writes one ContenderJob line; the process answers
 * one ProcessReady line once every case is built, checked and warmed up; then each "{"case": i}"
 * line asks for one timed repetition of case i, answered by one Repetition line. Answers are the
 * lines that start with PROTOCOL_PREFIX: libraries may print to stdout too.
 */
import type { Budget } from '../experiments/shared/timing.ts';
import type { BenchFiles } from './bench-files.ts';
import type { LossCheck } from './loss-check.ts';

export const PROTOCOL_PREFIX = '@bench ';

export interface ContenderJob {
  /** A JavaScript contender's id, or "pytorch" (pytorch.py). */
  contender: string;
  files: BenchFiles;
  batches: number[];
  /** The matrix engine's threads for minibatches of 16 or more; PyTorch's intra-op threads. */
  threads: number;
  /** PyTorch only. */
  dtype?: 'float32' | 'float64';
  /** Patterns of the loss check. */
  checkPatterns: number;
  budget: Budget;
}

export interface CaseReady {
  batch: number;
  status: 'ok' | 'not supported' | 'failed check' | 'missing';
  reason?: string;
  check?: LossCheck;
  /** The learning rate it was checked and timed at (the common η unless the check failed there and it retried). */
  η?: number;
  /** The check at the common η, when it failed there and the contender retried at a smaller η. */
  checkAtCommonη?: LossCheck;
  /** Patterns per timed repetition. */
  patterns?: number;
  details?: Record<string, unknown>;
}

export interface ProcessReady {
  cases: CaseReady[];
  /** How its training step is written, and where it departs from the common setup. */
  written: string;
  note: string;
  /** Facts about the process (PyTorch: version, threads, BLAS mapped). */
  details?: Record<string, unknown>;
}

export interface Repetition {
  wall: number;
  cpu: number;
  /** Σ E over the repetition's patterns. */
  E: number;
}
