/**
 * A study's summary: its cells grouped by everything but the seed, and per group the mean over
 * seeds of each metric with its 95 % confidence interval (Student t):
 *   m = (1/n)·Σ x_k,   s² = Σ (x_k − m)² / (n − 1),   m ± t_{0.975, n−1} · s / √n.
 * Diverged cells are counted and left out of the statistics. Metrics: loss, accuracy and
 * error = 1 − accuracy, on the training and held-out patterns, at the end and per epoch.
 * A rule's gap to back-prop is paired by seed (the same seed gives both runs the same initial
 * weights, split and pattern order): d_k = x_k(rule) − x_k(backprop) over the seeds both
 * finished, with the same interval on the d_k; it compares groups that differ only in the rule.
 */
import { mean, sd } from '../report/stats.ts';
import type { CellResult } from './run-cell.ts';
import { groupId, type CellConfig, type Published, type Study } from './study-spec.ts';
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
  /**
   * The final held-out (else training) loss and error minus back-prop's, paired by seed;
   * null for back-prop, or without a back-prop group.
   */
  gapToBackprop: { group: string; on: 'test' | 'train'; loss: Interval | null; error: Interval | null } | null;
  curves: { epoch: number; train: MetricIntervals; test: MetricIntervals }[];
}

export interface StudySummary {
  study: string;
  cells: number;
  groups: GroupSummary[];
  /** The study file's published figures, to set beside these (README "Studies"). */
  published?: Published;
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

/** Paired differences rule − back-prop of a final metric, over the seeds where both finished. */
function pairedGap(
  rule: CellResult[],
  backprop: CellResult[],
  on: 'test' | 'train',
  metric: 'loss' | 'error',
): Interval | null {
  const value = (r: CellResult): number | null => {
    const m = r.status === 'done' ? r.final?.[on] : null;
    if (!m) return null;
    if (metric === 'loss') return m.loss;
    return m.accuracy === null ? null : 1 - m.accuracy;
  };
  const base = new Map(backprop.map((r) => [String(r.config.seed), value(r)]));
  const d: number[] = [];
  for (const r of rule) {
    const x = value(r);
    const b = base.get(String(r.config.seed));
    if (x !== null && b !== null && b !== undefined) d.push(x - b);
  }
  return d.length ? interval(d) : null;
}

/** The key of a config without its seed and rule: groups that differ only in the rule share it. */
const withoutRule = (config: Omit<CellConfig, 'seed'>): string => JSON.stringify({ ...config, rule: null });

/** Summarise a complete study; `results` holds one result per cell of the study. */
export function summariseStudy(study: Study, results: ReadonlyMap<string, CellResult>): StudySummary {
  const groups = new Map<string, CellResult[]>();
  for (const cell of study.cells) {
    const result = results.get(cell.id);
    if (!result) throw new Error(`summariseStudy: no result for cell ${cell.id}`);
    const key = groupId(cell.config);
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  const backprop = new Map<string, [string, CellResult[]]>();
  for (const [group, members] of groups) {
    const { seed: _seed, ...config } = members[0]!.config;
    if (config.rule.name === 'backprop') backprop.set(withoutRule(config), [group, members]);
  }
  return {
    study: study.name,
    cells: study.cells.length,
    ...(study.published && { published: study.published }),
    groups: [...groups].map(([group, members]) => {
      const { seed: _seed, ...config } = members[0]!.config;
      const base = config.rule.name === 'backprop' ? undefined : backprop.get(withoutRule(config));
      const on = members.some((r) => r.final?.test) ? 'test' : 'train';
      const done = members.filter((r) => r.status === 'done');
      const epochs = Math.max(0, ...done.map((r) => r.epochs.length));
      return {
        group,
        config,
        seeds: members.map((r) => r.config.seed),
        cells: members.map((r) => r.id),
        diverged: members.length - done.length,
        final: { train: intervals(done.map((r) => r.final?.train)), test: intervals(done.map((r) => r.final?.test)) },
        gapToBackprop: base
          ? {
              group: base[0],
              on,
              loss: pairedGap(members, base[1], on, 'loss'),
              error: pairedGap(members, base[1], on, 'error'),
            }
          : null,
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
  return `${JSON.stringify(summary, null, 2)}\n`;
}
