/**
 * A sweep's progress on stderr: a cli-progress bar with the cells done and the ETA when stderr
 * is a terminal, otherwise one plain line per finished cell (logs of batch jobs); nothing when quiet.
 */
import cliProgress from 'cli-progress';
import type { CellResult } from './run-cell.ts';
import type { Cell } from './study-spec.ts';

export interface SweepProgress {
  /** `done` of `total` cells are finished before any runs. */
  start(total: number, done: number): void;
  cellDone(cell: Cell, result: CellResult, elapsedSeconds: number): void;
  stop(): void;
}

/** "test error 12.34 %", else the held-out or training loss, else the divergence. */
export function describeResult(result: CellResult): string {
  if (result.status === 'diverged') return 'diverged';
  const m = result.final?.test ?? result.final?.train;
  if (!m) return 'no epochs';
  const which = result.final?.test ? 'test' : 'train';
  if (m.accuracy === null) return `${which} loss ${m.loss.toFixed(4)}`;
  return `${which} error ${(100 * (1 - m.accuracy)).toFixed(2)} %`;
}

export function createSweepProgress(options: {
  study: string;
  quiet?: boolean;
  stream?: NodeJS.WriteStream;
}): SweepProgress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { start() {}, cellDone() {}, stop() {} };
  let total = 0;
  let done = 0;
  if (!stream.isTTY) {
    return {
      start(t, d) {
        total = t;
        done = d;
      },
      cellDone(cell, result, elapsed) {
        done++;
        const what = describeResult(result);
        stream.write(`${options.study}: cell ${done}/${total} ${cell.id}: ${what} (at ${elapsed.toFixed(1)} s)\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${options.study} |{bar}| {value}/{total} cells | ETA {eta_formatted} | {duration_formatted}`,
      hideCursor: true,
      barsize: 30,
      fps: 4,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let running = false;
  return {
    start(t, d) {
      bar.start(t, d);
      running = true;
    },
    cellDone() {
      bar.increment();
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
