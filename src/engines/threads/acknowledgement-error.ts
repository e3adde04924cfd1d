/**
 * The thread pool's self-check after each join: every worker acknowledges, in its own slots of the
 * control block (control.ts), the generation and engine of the job it ran and its count of jobs run.
 * Job `generation` on `engine`, the pool's `jobs`-th, is sound when each worker ran exactly that job,
 * on that engine's arrays, and no other job since the pool started: a job run twice (a late
 * wake-up) or on another engine's arrays would otherwise change numbers without a sound.
 */
import { Ack, ackSlot } from './control.ts';

/** What is wrong with the acknowledgements, or null when each of the threads − 1 workers ran exactly this job. */
export function acknowledgementError(
  control: Int32Array,
  threads: number,
  generation: number,
  engine: number,
  jobs: number,
): string | null {
  for (let k = 1; k < threads; k++) {
    const acked = Atomics.load(control, ackSlot(k, Ack.generation)),
      ran = Atomics.load(control, ackSlot(k, Ack.engine)),
      count = Atomics.load(control, ackSlot(k, Ack.jobs));
    if (acked !== generation || ran !== engine || count !== jobs)
      return (
        `thread pool: worker ${k} acknowledged job ${acked} on engine ${ran} as its job number ${count}, ` +
        `for job ${generation} on engine ${engine}, the pool's job number ${jobs} ` +
        "(a job run twice, or on another engine's arrays): its numbers cannot be trusted"
      );
  }
  return null;
}
