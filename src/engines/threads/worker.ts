/**
 * A worker of the thread pool (thread-pool.ts): it waits on the shared control block for a job it
 * has not run, runs its shard of it (job.ts) and acknowledges it in its own slots (control.ts):
 * the generation, the engine whose arrays it used, its count of jobs run, and whether it failed
 * (the failure's text then goes to the main thread on the port). The arrays of the engine a job
 * names arrive as a message on the port, read synchronously when needed (arrays-for.ts).
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { arraysFor, type EngineArrays } from './arrays-for.ts';
import { Ack, ackSlot, Control, STOPPED } from './control.ts';
import { runJob } from './job.ts';
import { Op } from './shard.ts';

const {
  control: controlBuffer,
  scale: scaleBuffer,
  port,
  k,
} = workerData as {
  control: SharedArrayBuffer;
  scale: SharedArrayBuffer;
  port: MessagePort;
  k: number;
};
const control = new Int32Array(controlBuffer);
const scale = new Float64Array(scaleBuffer);
const slot = (field: number) => ackSlot(k, field);
let held: EngineArrays = { engine: -1, arrays: [] };
let last = 0;
let jobs = 0;

Atomics.add(control, Control.ready, 1);
Atomics.notify(control, Control.ready);
try {
  for (;;) {
    // A wake-up is not a job: the main thread's notify can come after this worker has already taken and
    // run the job (the main thread paused between its add and its notify), so only a new generation counts.
    let generation = Atomics.load(control, Control.generation);
    while (generation === last) {
      Atomics.wait(control, Control.generation, last);
      generation = Atomics.load(control, Control.generation);
    }
    last = generation;
    Atomics.store(control, slot(Ack.taken), generation);
    if (control[Control.op] === Op.exit) break;
    let failed = 0;
    try {
      held = arraysFor(control[Control.engine]!, held, () => receiveMessageOnPort(port));
      runJob(
        control[Control.op]!,
        held.arrays,
        control[Control.layer]!,
        control[Control.patterns]!,
        control[Control.first]!,
        scale[0]!,
        k,
        control[Control.threads]!,
      );
    } catch (e) {
      // The main thread is blocked waiting, so an 'error' event would not reach it: the port carries the text.
      failed = 1;
      port.postMessage({ failure: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
    jobs++;
    Atomics.store(control, slot(Ack.engine), held.engine);
    Atomics.store(control, slot(Ack.jobs), jobs);
    Atomics.store(control, slot(Ack.failed), failed);
    Atomics.store(control, slot(Ack.generation), generation);
    Atomics.notify(control, slot(Ack.generation));
  }
} finally {
  // However this worker leaves its loop, the main thread stops waiting for it.
  Atomics.store(control, slot(Ack.taken), STOPPED);
  Atomics.notify(control, slot(Ack.generation));
  port.close();
}
