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
 * Every file goes through writeFileAtomic. Files of an earlier run of the same experiment that
 * this run did not write (a chart since renamed) are removed, so the folder matches the run.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { createRandom } from '../core/random.ts';
import { writeFileAtomic } from '../core/write-atomic.ts';
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
}

const json = (value: unknown): string => JSON.stringify(value) + '\n';

/** Run one experiment and write its folder; returns its summary. Does not rebuild index.html. */
export async function runExperiment(experiment: Experiment, file: ExperimentFile, options: RunOptions): Promise<ExperimentSummary> {
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

  const dir = join(outDir, experiment.name);
  const written = new Set<string>();
  const write = (name: string, data: string | Uint8Array): void => {
    writeFileAtomic(join(dir, name), data);
    written.add(name);
  };
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
    ...(result.html ? { html: result.html } : {}),
  };
  write(SUMMARY_FILE, JSON.stringify(summary, null, 2) + '\n');

  for (const f of readdirSync(dir)) if (!written.has(f) && /\.(json|svg|png)$/.test(f)) rmSync(join(dir, f), { force: true });
  progress?.finish(experiment.name, (performance.now() - started) / 1000, displayPath(dir));
  return summary;
}

/** Rebuild <outDir>/index.html from every experiment folder in it; returns the page's path. */
export function writeReport(outDir: string): string {
  const summaries = readSummaries(outDir);
  if (summaries.length === 0) throw new InputError(`${displayPath(outDir)}: no experiment results found (no */${SUMMARY_FILE}); run \`localprop run\` first`);
  const sections: ReportSection[] = summaries.map((summary) => {
    const svgs: Record<string, string> = {};
    for (const chart of summary.charts) {
      const file = join(outDir, summary.name, `${chart}.svg`);
      if (existsSync(file)) svgs[chart] = readFileSync(file, 'utf8');
    }
    return { summary, svgs };
  });
  const path = join(outDir, REPORT_FILE);
  writeFileAtomic(path, reportPage(sections));
  return path;
}

/** Run experiments in the given order, then rebuild index.html; returns the page's path. */
export async function runExperiments(experiments: { experiment: Experiment; file: ExperimentFile }[], options: RunOptions): Promise<string> {
  for (const { experiment, file } of experiments) await runExperiment(experiment, file, options);
  return writeReport(options.outDir);
}
