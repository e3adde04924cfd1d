/**
 * The pool worker's entry in the compiled package (dist/): the cell task as the module's default
 * export, which piscina calls. Run from the sources, the pool starts cell-worker.mjs instead,
 * which registers tsx first (a worker thread does not inherit the main thread's loader).
 */
import { runCellTask } from './cell-task.ts';

export default runCellTask;
