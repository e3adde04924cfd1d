/** The shape of results/bench.json: what `npm run bench` writes and bench/readme.ts reads. */
import type { Budget } from '../experiments/shared/timing.ts';
import type { AgentsBenchRow } from './agents.ts';
import type { LossCheck } from './loss-check.ts';
import type { Machine } from './machine.ts';
import type { ScalingResult } from './scaling.ts';

export interface CaseResult {
  /** The case's id: a contender, or a contender at a thread count (matrix-1t, pytorch-float64-2t). */
  contender: string;
  label: string;
  batch: number;
  threads: number;
  status: 'ok' | 'missing' | 'not supported' | 'failed check';
  note: string;
  /** How the contender's training step is written. */
  written: string;
  /** Why it is missing, not supported or failed the check. */
  reason?: string;
  check?: LossCheck;
  /** Its own η, when its check failed at the common one and it retried (the failed check beside it). */
  η?: number;
  checkAtCommonη?: LossCheck;
  details?: Record<string, unknown>;
  /** Timed repetitions. */
  reps?: number;
  timing?: {
    /** Patterns per repetition. */
    patterns: number;
    wall: number[];
    cpu: number[];
    samplesPerSecond: number;
    cpuSamplesPerSecond: number;
    /** Mean E per pattern over the last repetition. */
    lastRepLoss: number;
  };
  /** samples/s ÷ the matrix engine's (default threads) at the same batch size on the same net. */
  relativeToMatrix?: number;
}

export interface NetResult {
  /** "784-128-10", "lenet-32". */
  name: string;
  kind: 'mlp' | 'conv';
  description: string;
  spec: unknown;
  η: number;
  data: string;
  patterns: number;
  batches: number[];
  checkPatterns: number;
  budget: Budget;
  results: CaseResult[];
}

export interface Target {
  goal: string;
  value: number | null;
  /** null: a figure to report, with no threshold. */
  threshold: number | null;
  atMost: boolean;
  /** null when not measured, or reported only. */
  met: boolean | null;
  /** What value counts, when it is not a ratio (×). */
  unit?: 'GFLOP/s';
}

export interface BenchJson {
  command: string;
  date: string;
  seconds: number;
  mode: string;
  machine: Machine & {
    loadAverageAtEnd: number[];
    /** The BLAS PyTorch mapped (named, and its paths), or why it is not known. */
    blas: { name: string; paths: string[] } | { missing: string };
  };
  method: Record<string, unknown>;
  nets: NetResult[];
  targets: Target[];
  agents: AgentsBenchRow[] | null;
  scaling: ScalingResult | null;
}
