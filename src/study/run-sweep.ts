/**
 * Run a study's cells (or one shard of them) in a pool of worker threads (piscina), one cell per
 * task, and write each result the moment it arrives. Finished cells in the output folder are
 * not run again; an interrupt (Ctrl-C, or the abort signal) stops the workers and keeps every
 * finished cell. A cell's file depends only on its config, never on the workers or the order.
 * When the folder holds every cell of the study, summary.json and index.html are written from the files.
 */
import { setMaxListeners } from 'node:events';
import { mkdirSync } from 'node:fs';
import { availableParallelism, constants as osConstants } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { InputError, InterruptedError } from '../core/errors.ts';
import { writeFileAtomic } from '../core/write-atomic.ts';
import type { CellOutcome, CellTask } from './cell-task.ts';
import { checkStudy } from './check-study.ts';
import type { CellResult } from './run-cell.ts';
import { selectShard, type Shard } from './shard.ts';
import { createSweepProgress, type SweepProgress } from './sweep-progress.ts';
import { cellFileName, finishedCells, STUDY_FILE } from './sweep-folder.ts';
import { studyReport } from './study-report.ts';
import type { StudySummary } from './summarise-study.ts';
import { studyToJSON, type Cell, type Study } from './study-spec.ts';

// Compiled (dist/), this module is .js and so is its worker; from the sources, the worker shim registers tsx.
const COMPILED = import.meta.url.endsWith('.js');
const WORKER = fileURLToPath(new URL(COMPILED ? './cell-worker.js' : './cell-worker.mjs', import.meta.url));

export interface SweepOptions {
  out: string;
  /** Worker threads (default: every core). */
  workers?: number;
  shard?: Shard | null;
  progress?: SweepProgress;
  /** Aborting it interrupts the sweep as Ctrl-C does (the CLI wires SIGINT to it). */
  signal?: AbortSignal;
}

export interface SweepOutcome {
  /** The cells this process was to run (its shard). */
  selected: number;
  /** Run now, and found finished from before. */
  ran: number;
  reused: number;
  /** The summary, once the folder holds every cell of the study. */
  summary: StudySummary | null;
}

export const defaultWorkers = (): number => availableParallelism();

/** Write summary.json and index.html if `dir` holds every cell of the study; returns the summary or null. */
export async function writeSummaryIfComplete(dir: string, study: Study): Promise<StudySummary | null> {
  const results = finishedCells(dir, study);
  if (results.size < study.cells.length) return null;
  const { summary, files } = await studyReport(study, results);
  for (const [name, text] of files) writeFileAtomic(join(dir, name), text);
  return summary;
}

export async function runSweep(study: Study, options: SweepOptions): Promise<SweepOutcome> {
  checkStudy(study);
  const selected = selectShard(study.cells, options.shard ?? null);
  mkdirSync(options.out, { recursive: true });
  const before = finishedCells(options.out, study);
  writeFileAtomic(join(options.out, STUDY_FILE), studyToJSON(study));
  const pending = selected.filter((c) => !before.has(c.id));
  const reused = selected.length - pending.length;
  const progress = options.progress ?? createSweepProgress({ study: study.name });
  let ran = 0;
  if (pending.length > 0) ran = await runCells(study, pending, options, progress, reused, selected.length);
  return { selected: selected.length, ran, reused, summary: await writeSummaryIfComplete(options.out, study) };
}

async function runCells(
  study: Study,
  pending: Cell[],
  options: SweepOptions,
  progress: SweepProgress,
  reused: number,
  total: number,
): Promise<number> {
  const threads = Math.max(1, Math.min(options.workers ?? defaultWorkers(), pending.length));
  const pool = new Piscina<CellTask, CellOutcome>({ filename: WORKER, minThreads: threads, maxThreads: threads });
  const stop = new AbortController();
  // Every pending cell listens to this one signal (Node warns of a leak past 10 listeners by default).
  setMaxListeners(pending.length + 10, stop.signal);
  const onAbort = (): void => stop.abort();
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) stop.abort();
  let ran = 0;
  let failure: CellOutcome | null = null;
  const started = Date.now();
  progress.start(total, reused);
  const studyFolder = resolve(dirname(study.path));
  // One thread per cell: the pool already spreads cells over the cores, and nested threads would only
  // contend. Threads never change a number (README, Performance).
  const cellThreads = 1;
  try {
    await Promise.allSettled(
      pending.map(async (cell) => {
        let outcome: CellOutcome;
        try {
          outcome = await pool.run({ cell, studyFolder, threads: cellThreads }, { signal: stop.signal });
        } catch (e) {
          if (stop.signal.aborted) return;
          outcome = { ok: false, badInput: false, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
        }
        if (!outcome.ok) {
          failure ??= outcome;
          stop.abort();
          return;
        }
        if (stop.signal.aborted && failure !== null) return;
        writeFileAtomic(join(options.out, cellFileName(cell.id)), outcome.json);
        ran++;
        progress.cellDone(cell, JSON.parse(outcome.json) as CellResult, (Date.now() - started) / 1000);
      }),
    );
  } finally {
    progress.stop();
    options.signal?.removeEventListener('abort', onAbort);
    await pool.destroy();
  }
  const failed = failure as CellOutcome | null;
  if (failed !== null && !failed.ok) {
    if (failed.badInput) throw new InputError(failed.message);
    throw new Error(failed.message);
  }
  if (stop.signal.aborted) {
    // The CLI aborts with the signal's name: exit 128 + its number (130 for SIGINT, 143 for SIGTERM).
    const reason = options.signal?.reason as unknown;
    const signal = typeof reason === 'string' && reason in osConstants.signals ? (reason as NodeJS.Signals) : 'SIGINT';
    throw new InterruptedError(
      `interrupted (${signal}): ${reused + ran} of ${total} cells finished and kept in ${options.out}; ` +
        `the same command runs the other ${total - reused - ran}`,
      128 + osConstants.signals[signal],
    );
  }
  return ran;
}
