/**
 * A study's summary: its cells grouped by everything but the seed, and per group the mean over
 * seeds of each metric with its 95 % confidence interval (Student t):
 *   m = (1/n)·Σ x_k,   s² = Σ (x_k − m)² / (n − 1),   m ± t_{0.975, n−1} · s / √n.
 * Diverged cells are counted and left out of the statistics. Metrics: loss, accuracy and
 * error = 1 − accuracy, on the training and held-out patterns, at the end and per epoch.
 */
import { mean, sd } from '../report/stats.ts';
import type { CellResult } from './run-cell.ts';
import { groupId, type CellConfig, type Study } from './study-spec.ts';
import { studentTQuantile } from './student-t.ts';

export interface Interval {
  n: number;
  mean: number;
  sd: number;
  /** Half-width of the 95 % interval; null for fewer than two seeds. */
  ci95: number | null;
  low: number | null;
  high: number | null;
}

export type MetricIntervals = Record<'loss' | 'accuracy' | 'error', Interval | null>;

export interface GroupSummary {
  group: string;
  /** The config shared by the group's cells (seed left out). */
  config: Omit<CellConfig, 'seed'>;
  seeds: (number | string)[];
  cells: string[];
  diverged: number;
  final: { train: MetricIntervals; test: MetricIntervals };
  curves: { epoch: number; train: MetricIntervals; test: MetricIntervals }[];
}

export interface StudySummary {
  study: string;
  cells: number;
  groups: GroupSummary[];
}

/** Mean, sd and the Student-t 95 % interval of a sample. */
export function interval(values: readonly number[]): Interval {
  const n = values.length;
  const m = mean(values);
  const s = sd(values);
  const half = n >= 2 ? (studentTQuantile(0.975, n - 1) * s) / Math.sqrt(n) : null;
  return { n, mean: m, sd: s, ci95: half, low: half === null ? null : m - half, high: half === null ? null : m + half };
}

interface MetricsLike {
  loss: number;
  accuracy: number | null;
}

function intervals(samples: (MetricsLike | null | undefined)[]): MetricIntervals {
  const present = samples.filter((m): m is MetricsLike => m !== null && m !== undefined);
  const accuracy = present.map((m) => m.accuracy).filter((a): a is number => a !== null);
  return {
    loss: present.length ? interval(present.map((m) => m.loss)) : null,
    accuracy: accuracy.length ? interval(accuracy) : null,
    error: accuracy.length ? interval(accuracy.map((a) => 1 - a)) : null,
  };
}

/** Summarise a complete study; `results` holds one result per cell of the study. */
export function summariseStudy(study: Study, results: ReadonlyMap<string, CellResult>): StudySummary {
  const groups = new Map<string, CellResult[]>();
  for (const cell of study.cells) {
    const result = results.get(cell.id);
    if (!result) throw new Error(`summariseStudy: no result for cell ${cell.id}`);
    const key = groupId(cell.config);
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  return {
    study: study.name,
    cells: study.cells.length,
    groups: [...groups].map(([group, members]) => {
      const { seed: _seed, ...config } = members[0]!.config;
      const done = members.filter((r) => r.status === 'done');
      const epochs = Math.max(0, ...done.map((r) => r.epochs.length));
      return {
        group,
        config,
        seeds: members.map((r) => r.config.seed),
        cells: members.map((r) => r.id),
        diverged: members.length - done.length,
        final: { train: intervals(done.map((r) => r.final?.train)), test: intervals(done.map((r) => r.final?.test)) },
        curves: Array.from({ length: epochs }, (_, k) => ({
          epoch: k + 1,
          train: intervals(done.map((r) => r.epochs[k]?.train)),
          test: intervals(done.map((r) => r.epochs[k]?.test)),
        })),
      };
    }),
  };
}

export function summaryToJSON(summary: StudySummary): string {
  return JSON.stringify(summary, null, 2) + '\n';
}
