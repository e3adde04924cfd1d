/**
 * A worker's arrays for the engine a job names: those it holds, or the next ones its port brings
 * (the main thread sends an engine's arrays once, before the first job on that engine the worker
 * runs). Messages are taken only while the wanted engine is not held, so none is dropped; arrays of
 * an engine no longer wanted are skipped.
 */
import type { JobArrays } from './job.ts';

/** An engine's arrays, as the main thread sends them. */
export interface EngineArrays {
  engine: number;
  arrays: JobArrays;
}

export function arraysFor(
  wanted: number,
  held: EngineArrays,
  receive: () => { message: unknown } | undefined,
): EngineArrays {
  let arrays = held;
  while (arrays.engine !== wanted) {
    const next = receive();
    if (next === undefined)
      throw new Error(`thread pool: no arrays for engine ${wanted} (the worker holds engine ${arrays.engine}'s)`);
    arrays = next.message as EngineArrays;
  }
  return arrays;
}
