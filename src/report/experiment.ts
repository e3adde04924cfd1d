/**
 * An experiment: one file `experiments/NN-name.ts` that shows one point of the essay.
 *
 *   import { runStandalone, type Experiment } from '../src/report/index.ts';
 *   const experiment: Experiment<{ epochs: number }> = {
 *     name: 'regression',
 *     description: 'The essay\'s first diagram: …',
 *     budgets: { quick: { epochs: 50 }, full: { epochs: 500 } },
 *     async run(ctx) { …; return { data, specs, headline }; },
 *   };
 *   export default experiment;
 *   runStandalone(import.meta.url, experiment);   // `npx tsx experiments/NN-name.ts [--full]`
 *
 * The runner (src/report/runner.ts) finds the file on disk, so src/ never imports experiments/.
 * It writes results/<name>/: data.json (result.data, byte-identical for the same seed),
 * timings.json (result.timings), summary.json (what the report shows), and per chart
 * <chart>.vl.json, <chart>.svg, <chart>.png; then results/index.html, where each chart sits in a
 * container with data-chart="<name>/<chart>" and the custom block (result.html) in one with
 * data-custom="<name>".
 *
 * Helpers (all from src/report/index.ts): seriesChart, barChart and rasterChart build the common
 * charts, ruleColour and engineDash say how every chart tells rules and engines apart, and the
 * types of chart-spec.ts type a chart written layer by layer; mean, sd and formatMeanSd summarise
 * seeds; flowPlayer builds an animated network for result.html. experiments/shared/ holds what
 * several experiments (and the bench) share: seeded random nets, the timing harness, the scaling sweep.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Random } from '../core/random.ts';

/** A Vega-Lite spec. The runner adds the shared config (font, sizes) before writing and rendering it. */
export type VegaLiteSpec = TopLevelSpec;

export type BudgetName = 'quick' | 'full';
export const BUDGET_NAMES: readonly BudgetName[] = ['quick', 'full'];

/** A JSON value: a convenient type for building data.json (ExperimentResult.data accepts any JSON-able value). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** One row of an experiment's headline table: column name → cell. Columns appear in first-seen order. */
export type HeadlineRow = Record<string, string | number | boolean | null>;

export interface ExperimentContext<B> {
  /** The budget chosen on the command line (--quick is the default). */
  readonly budget: B;
  readonly budgetName: BudgetName;
  /** The --seed as given. */
  readonly seed: string;
  /** createRandom(seed).derive(experiment name): every random choice of the run draws from here. */
  readonly random: Random;
  /** Report progress: `done` of `total` units of work (any unit; call it as often as is cheap). */
  progress(done: number, total: number): void;
  /** True with --quiet: the experiment should print nothing. */
  readonly quiet: boolean;
}

export interface ExperimentResult {
  /**
   * Everything measured, as JSON (JSON.stringify: NaN and ±Infinity become null, so store them
   * explicitly if they matter), and a pure function of the seed and budget: no times, no dates.
   */
  data: unknown;
  /** Wall-clock measurements, written to timings.json and kept out of data.json. */
  timings?: unknown;
  /** Charts by name (the name becomes the file name: [a-z0-9-]+). */
  specs: Record<string, VegaLiteSpec>;
  /** The key numbers, shown as a table in the report. */
  headline: HeadlineRow[];
  /** Remarks for the reader, e.g. "Fashion-MNIST data not found, nothing was run". */
  notes?: string[];
  /**
   * A custom block for the report section: HTML that may carry its own inline <script> (it is
   * written into the page as is, so scripts run). Keep it self-contained and offline; scope ids
   * and globals by the experiment name. See flowPlayer (flow-player.ts) for a ready-made one.
   */
  html?: string;
}

/** A qualitative statement about the results, with its numbers, and whether the data bear it out. */
export interface Claim {
  /** One sentence with the measured numbers in it. */
  text: string;
  holds: boolean;
  /** One of the page's key findings (the summary at the top). */
  key?: boolean;
}

export interface Experiment<B extends object = object> {
  /** The slug: matches the file name experiments/NN-<name>.ts; lower case and dashes. */
  readonly name: string;
  /** One line: what it shows, and which point of the essay. */
  readonly description: string;
  readonly budgets: Readonly<Record<BudgetName, B>>;
  run(context: ExperimentContext<B>): Promise<ExperimentResult>;
  /**
   * The experiment's claims as functions of what it wrote: data.json and timings.json, parsed. The
   * runner evaluates them into summary.json; the report prints each with its numbers, a failing one
   * in red; test/experiments/claims.test.ts checks them against the committed results.
   */
  claims?(data: unknown, timings: unknown): Claim[];
}

/** Chart and experiment names become file names. */
export const NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
