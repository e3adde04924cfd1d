/**
 * The slots of the thread pool's shared control block (an Int32Array of controlSize(T) slots): the
 * job the main thread posts, then Ack.size slots per worker k = 1..T−1 in which it acknowledges
 * each job it ran (thread-pool.ts checks them after the join).
 */
export const Control = {
  /** Bumped once per job: a worker runs a job when this differs from the last one it ran. */
  generation: 0,
  op: 1,
  layer: 2,
  patterns: 3,
  first: 4,
  threads: 5,
  engine: 6,
  ready: 7,
  workers: 8,
} as const;

/** A worker's own slots: what it took, what it ran (generation, engine, its count of jobs), whether that failed. */
export const Ack = {
  /** The generation of the job it took, or STOPPED once it has left its loop. */
  taken: 0,
  generation: 1,
  engine: 2,
  jobs: 3,
  failed: 4,
  size: 5,
} as const;

/** What a worker writes in its `taken` slot as it stops: the main thread must not wait for it. */
export const STOPPED = -1;

export function ackSlot(k: number, field: number): number {
  return Control.workers + (k - 1) * Ack.size + field;
}

export function controlSize(threads: number): number {
  return Control.workers + Math.max(0, threads - 1) * Ack.size;
}
