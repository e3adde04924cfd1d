/**
 * What a pool worker does with one cell: run it and hand back its result file's text, or the
 * error as data (an error's class does not survive the trip between threads, and bad input
 * must still end as exit 2).
 */
import { InputError } from '../core/errors.ts';
import { setThreads } from '../engines/threads/thread-pool.ts';
import type { Cell } from './study-spec.ts';
import { cellResultToJSON, runCell } from './run-cell.ts';

export interface CellTask {
  cell: Cell;
  studyFolder: string;
  /** The threads the cell's minibatches may be split over. */
  threads: number;
}

export type CellOutcome = { ok: true; json: string } | { ok: false; badInput: boolean; message: string };

export function runCellTask(task: CellTask): CellOutcome {
  try {
    setThreads(task.threads);
    return { ok: true, json: cellResultToJSON(runCell(task.cell, task.studyFolder)) };
  } catch (e) {
    if (e instanceof InputError) return { ok: false, badInput: true, message: e.message };
    return { ok: false, badInput: false, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}
