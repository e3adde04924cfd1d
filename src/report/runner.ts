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
 * either the earlier run's folder or the new one, never a mix. An interrupt (SIGINT or SIGTERM,
 * however often it is delivered) is honoured between experiments: the folders finished so far
 * stay, index.html is rebuilt from what is on disk, and the error names the experiments that did
 * not finish. A damaged results folder is shown as damaged, never a crash.
 */
import { readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
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
import { readResults, SUMMARY_FILE, type ExperimentSummary } from './summary.ts';

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

const json = (value: unknown): string => `${JSON.stringify(value)}\n`;

/**
 * Run one experiment and write its folder; returns its summary, or null if an interrupt came
 * while it ran (then nothing is written). Does not rebuild index.html.
 */
export async function runExperiment(
  experiment: Experiment,
  file: ExperimentFile,
  options: RunOptions,
): Promise<ExperimentSummary | null> {
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
    if (!NAME_PATTERN.test(chart))
      throw new Error(`${file.file}: chart name ${JSON.stringify(chart)} must be lower case words joined by dashes`);
    const spec = withChartConfig(result.specs[chart]!);
    write(`${chart}.vl.json`, `${JSON.stringify(spec, null, 2)}\n`);
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
    ...(experiment.claims
      ? { claims: experiment.claims(JSON.parse(json(result.data)), JSON.parse(json(result.timings ?? null))) }
      : {}),
    ...(result.html ? { html: result.html } : {}),
  };
  write(SUMMARY_FILE, `${JSON.stringify(summary, null, 2)}\n`);

  writeFolderAtomic(dir, files);
  progress?.finish(experiment.name, (performance.now() - started) / 1000, displayPath(dir));
  return summary;
}

/**
 * Rebuild <outDir>/index.html from every experiment folder in it; returns the page's path. A
 * damaged folder (see readResults) is shown in the page as damaged and reported through `warn`;
 * the rest of the report is built.
 */
export function writeReport(outDir: string, warn: (message: string) => void = warnOnStderr): string {
  const { summaries, damaged } = readResults(outDir);
  if (summaries.length === 0 && damaged.length === 0) {
    throw new InputError(
      `${displayPath(outDir)}: no experiment results found (no */${SUMMARY_FILE}); run \`localprop run\` first`,
    );
  }
  for (const d of damaged) {
    const folder = displayPath(join(outDir, d.name));
    warn(`${folder} is damaged (${d.reason}); the report shows it as damaged: re-run \`localprop run ${d.name}\``);
  }
  const sections: ReportSection[] = summaries.map((summary) => {
    const svgs: Record<string, string> = {};
    const specs: Record<string, unknown> = {};
    for (const chart of summary.charts) {
      // A chart file that is missing, or is not a readable file, is shown as missing.
      try {
        svgs[chart] = readFileSync(join(outDir, summary.name, `${chart}.svg`), 'utf8');
      } catch {
        // missing
      }
      // Its spec makes it interactive in the page; without a readable one the static SVG stays.
      try {
        specs[chart] = JSON.parse(readFileSync(join(outDir, summary.name, `${chart}.vl.json`), 'utf8'));
      } catch {
        // static only
      }
    }
    return { summary, svgs, specs };
  });
  const path = join(outDir, REPORT_FILE);
  writeFileAtomic(path, reportPage(sections, undefined, damaged));
  return path;
}

const warnOnStderr = (message: string): void => void process.stderr.write(`localprop: warning: ${message}\n`);

/** Run experiments in the given order, then rebuild index.html; returns the page's path. */
export async function runExperiments(
  experiments: { experiment: Experiment; file: ExperimentFile }[],
  options: RunOptions,
): Promise<string> {
  const names = experiments.map((e) => e.experiment.name);
  const interrupt = listenForInterrupt(options.quiet, () => names.filter((n) => !finished.includes(n)));
  const finished: string[] = [];
  try {
    for (const { experiment, file } of experiments) {
      if (interrupt.signal !== null) break;
      const summary = await runExperiment(experiment, file, {
        ...options,
        isInterrupted: () => interrupt.signal !== null,
      });
      if (summary) finished.push(experiment.name);
    }
  } catch (e) {
    interrupt.stop();
    throw e;
  } finally {
    options.progress?.stop();
  }
  const unfinished = experiments.map((e) => e.experiment.name).filter((n) => !finished.includes(n));
  const warn = options.quiet ? () => {} : warnOnStderr;
  if (unfinished.length === 0) {
    interrupt.stop();
    return writeReport(options.outDir, warn);
  }
  const onDisk = readResults(options.outDir);
  const anything = finished.length > 0 || onDisk.summaries.length + onDisk.damaged.length > 0;
  try {
    const report = anything ? ` ${displayPath(writeReport(options.outDir, warn))} shows what is on disk.` : '';
    const done = finished.length ? `; finished ${finished.join(', ')}` : '';
    throw new InterruptedError(
      `interrupted (${interrupt.signal}): did not finish ${unfinished.join(', ')}${done}. ` +
        `Earlier results of the unfinished ones are unchanged.${report}`,
      128 + osConstants.signals[interrupt.signal ?? 'SIGINT'],
    );
  } finally {
    interrupt.stop();
  }
}

/**
 * Signals within this long of the first are the same Ctrl-C, delivered again (npm forwards it to a group it reached
 * already).
 */
export const REPEAT_WINDOW_MS = 1000;

/**
 * Listen for SIGINT and SIGTERM while experiments run. The first asks the run to stop after the
 * current experiment's computation; repeats within REPEAT_WINDOW_MS are the same request, which
 * `npm run` and tsx deliver more than once (a terminal's Ctrl-C reaches the whole process group,
 * and each of them forwards it again). A signal after that window stops at once (exit 128 + signal),
 * keeping what is on disk. The listeners stay until stop(), so no repeat meets Node's default
 * action, which would end the process before the report is rebuilt.
 */
function listenForInterrupt(
  quiet: boolean,
  unfinished: () => string[],
): { signal: NodeJS.Signals | null; stop(): void } {
  const state: { signal: NodeJS.Signals | null; stop(): void } = { signal: null, stop: () => {} };
  let first = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    const now = performance.now();
    if (state.signal === null) {
      state.signal = signal;
      first = now;
      const again = 'Ctrl-C again, after a second, to stop at once';
      if (!quiet) process.stderr.write(`\nlocalprop: ${signal} received; stopping after the current step (${again})\n`);
      return;
    }
    if (now - first < REPEAT_WINDOW_MS) return;
    process.stderr.write(
      `\nlocalprop: stopped at once (${signal}): did not finish ${unfinished().join(', ')}; ` +
        `every results folder holds a whole ` +
        'earlier or new run, and index.html may be out of date (rebuild it with `localprop report`)\n',
    );
    process.exit(128 + osConstants.signals[signal]);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, onSignal);
  state.stop = () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeListener(signal, onSignal);
  };
  return state;
}
