/**
 * One thread's share of a job of the thread pool, the same on the main thread and in the workers:
 * a minibatch product of a dense layer (shard.ts), or a net's errors or gradient (pattern-batch.ts).
 */
import { NetOp, runNetShard, type SharedNet } from './pattern-batch.ts';
import { runShard, type Op, type SharedLayer } from './shard.ts';

/** The arrays a job works on: a dense net's layers, or a whole net's. */
export type JobArrays = SharedLayer[] | SharedNet;

export function runJob(
  op: number,
  arrays: JobArrays,
  l: number,
  B: number,
  first: number,
  s: number,
  k: number,
  T: number,
): void {
  if (op === NetOp.errors || op === NetOp.gradient) runNetShard(op, arrays as SharedNet, l, B, k, T);
  else runShard(op as Op, (arrays as SharedLayer[])[l]!, B, first, s, k, T);
}
