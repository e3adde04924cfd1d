/**
 * Running experiments and writing what they produce:
 *
 *   <out>/<name>/data.json        result.data (same seed → same bytes)
 *   <out>/<name>/timings.json     result.timings, if any
 *   <out>/<name>/summary.json     description, headline, notes, chart names, custom HTML
 *   <out>/<name>/<chart>.vl.json  the spec with the shared config
 *   <out>/<name>/<chart>.svg      rendered in Node (vega, renderer 'none')
 *   <out>/<name>/<chart>.png      rasterised by resvg with DejaVu Sans
 *   <out>/index.html              every experiment found in <out>, rebuilt after each run
 *
 * An experiment's folder is replaced whole (writeFolderAtomic): a run that stops part-way leaves
 * either the earlier run's folder or the new one, never a mix. An interrupt (SIGINT) is honoured
 * between experiments: the folders finished so far stay, index.html is rebuilt from what is on
 * disk, and the error names the experiments that did not finish.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, InterruptedError } from '../core/errors.ts';
import { createRandom } from '../core/random.ts';
import { writeFileAtomic } from '../core/write-atomic.ts';
import { writeFolderAtomic } from '../core/write-folder-atomic.ts';
import { withChartConfig } from './chart-config.ts';
import type { ExperimentFile } from './discover.ts';
import { NAME_PATTERN, type BudgetName, type Experiment, type ExperimentResult } from './experiment.ts';
import { displayPath } from './paths.ts';
import type { Progress } from './progress.ts';
import { renderPng, renderSvg } from './render.ts';
import { reportPage, type ReportSection } from './report-page.ts';
import { readSummaries, SUMMARY_FILE, type ExperimentSummary } from './summary.ts';

export const REPORT_FILE = 'index.html';

export interface RunOptions {
  budget: BudgetName;
  seed: string;
  /** The results folder; the experiment writes <outDir>/<name>/. */
  outDir: string;
  quiet: boolean;
  progress?: Progress;
  /** Checked after the experiment has run, before anything is written: true drops its results. */
  isInterrupted?: () => boolean;
}

const json = (value: unknown): string => JSON.stringify(value) + '\n';

/**
 * Run one experiment and write its folder; returns its summary, or null if an interrupt came
 * while it ran (then nothing is written). Does not rebuild index.html.
 */
export async function runExperiment(experiment: Experiment, file: ExperimentFile, options: RunOptions): Promise<ExperimentSummary | null> {
  const { budget: budgetName, seed, outDir, quiet, progress } = options;
  const started = performance.now();
  progress?.start(experiment.name);
  let result: ExperimentResult;
  try {
    result = await experiment.run({
      budget: experiment.budgets[budgetName],
      budgetName,
      seed,
      random: createRandom(seed).derive(experiment.name),
      progress: (done, total) => progress?.update(done, total),
      quiet,
    });
  } catch (e) {
    progress?.stop();
    throw e;
  }
  // Let a pending SIGINT reach its handler before anything is written. Signals arrive in the
  // event loop's poll phase; two turns of setImmediate make sure one poll phase lies between.
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  if (options.isInterrupted?.()) return null;

  const dir = join(outDir, experiment.name);
  const files = new Map<string, string | Uint8Array>();
  const write = (name: string, data: string | Uint8Array): void => void files.set(name, data);
  write('data.json', json(result.data));
  if (result.timings !== undefined) write('timings.json', json(result.timings));

  const charts = Object.keys(result.specs);
  for (const chart of charts) {
    if (!NAME_PATTERN.test(chart)) throw new Error(`${file.file}: chart name ${JSON.stringify(chart)} must be lower case words joined by dashes`);
    const spec = withChartConfig(result.specs[chart]!);
    write(`${chart}.vl.json`, JSON.stringify(spec, null, 2) + '\n');
    const svg = await renderSvg(spec, `${experiment.name}-${chart}`);
    write(`${chart}.svg`, svg);
    write(`${chart}.png`, renderPng(svg).png);
  }

  const summary: ExperimentSummary = {
    name: experiment.name,
    order: file.order,
    file: file.file,
    description: experiment.description,
    budget: budgetName,
    seed,
    charts,
    headline: result.headline,
    notes: result.notes ?? [],
    ...(experiment.claims ? { claims: experiment.claims(JSON.parse(json(result.data)), JSON.parse(json(result.timings ?? null))) } : {}),
    ...(result.html ? { html: result.html } : {}),
  };
  write(SUMMARY_FILE, JSON.stringify(summary, null, 2) + '\n');

  writeFolderAtomic(dir, files);
  progress?.finish(experiment.name, (performance.now() - started) / 1000, displayPath(dir));
  return summary;
}

/** Rebuild <outDir>/index.html from every experiment folder in it; returns the page's path. */
export function writeReport(outDir: string): string {
  const summaries = readSummaries(outDir);
  if (summaries.length === 0) throw new InputError(`${displayPath(outDir)}: no experiment results found (no */${SUMMARY_FILE}); run \`localprop run\` first`);
  const sections: ReportSection[] = summaries.map((summary) => {
    const svgs: Record<string, string> = {};
    const specs: Record<string, unknown> = {};
    for (const chart of summary.charts) {
      const file = join(outDir, summary.name, `${chart}.svg`);
      if (existsSync(file)) svgs[chart] = readFileSync(file, 'utf8');
      const spec = join(outDir, summary.name, `${chart}.vl.json`);
      if (existsSync(spec)) specs[chart] = JSON.parse(readFileSync(spec, 'utf8'));
    }
    return { summary, svgs, specs };
  });
  const path = join(outDir, REPORT_FILE);
  writeFileAtomic(path, reportPage(sections));
  return path;
}

/** Run experiments in the given order, then rebuild index.html; returns the page's path. */
export async function runExperiments(experiments: { experiment: Experiment; file: ExperimentFile }[], options: RunOptions): Promise<string> {
  // The handler runs when the event loop gets a turn (between experiments, while charts render);
  // a second Ctrl-C, with the handler gone, ends the process at once.
  let interrupted = false;
  const onInterrupt = (): void => {
    interrupted = true;
    if (!options.quiet) process.stderr.write('\nlocalprop: interrupt received; stopping after the current step (Ctrl-C again to stop at once)\n');
  };
  process.once('SIGINT', onInterrupt);
  const finished: string[] = [];
  try {
    for (const { experiment, file } of experiments) {
      if (interrupted) break;
      const summary = await runExperiment(experiment, file, { ...options, isInterrupted: () => interrupted });
      if (summary) finished.push(experiment.name);
    }
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    options.progress?.stop();
  }
  const unfinished = experiments.map((e) => e.experiment.name).filter((n) => !finished.includes(n));
  if (unfinished.length === 0) return writeReport(options.outDir);
  const report = finished.length > 0 || readSummaries(options.outDir).length > 0 ? ` ${displayPath(writeReport(options.outDir))} shows what is on disk.` : '';
  throw new InterruptedError(
    `interrupted: did not finish ${unfinished.join(', ')}${finished.length ? `; finished ${finished.join(', ')}` : ''}. Earlier results of the unfinished ones are unchanged.${report}`,
  );
}
