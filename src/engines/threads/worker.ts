/**
 * A worker of the thread pool (thread-pool.ts): it waits on the shared control block, runs its
 * shard of each job (shard.ts) and counts itself done. The arrays of the engine it serves arrive
 * as a message on its port, read synchronously when a job names an engine it has not seen.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { Op } from './shard.ts';
import { Control } from './control.ts';
import { runJob, type JobArrays } from './job.ts';

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
let engine = -1;
let layers: JobArrays = [];
let generation = 0;

Atomics.add(control, Control.ready, 1);
Atomics.notify(control, Control.ready);
for (;;) {
  Atomics.wait(control, Control.generation, generation);
  generation = Atomics.load(control, Control.generation);
  const op = control[Control.op]! as Op;
  if (op === Op.exit) break;
  const wanted = control[Control.engine]!;
  for (
    let message = receiveMessageOnPort(port);
    engine !== wanted && message !== undefined;
    message = receiveMessageOnPort(port)
  ) {
    ({ engine, layers } = message.message as { engine: number; layers: JobArrays });
  }
  try {
    if (engine !== wanted) throw new Error(`thread pool: no arrays for engine ${wanted}`);
    runJob(
      op,
      layers,
      control[Control.layer]!,
      control[Control.patterns]!,
      control[Control.first]!,
      scale[0]!,
      k,
      control[Control.threads]!,
    );
  } catch (e) {
    // The main thread is blocked waiting, so an 'error' event would not reach it: raise the flag it checks.
    Atomics.store(control, Control.failed, 1);
    console.error(e);
  }
  if (Atomics.add(control, Control.done, 1) + 1 === control[Control.threads]! - 1)
    Atomics.notify(control, Control.done);
}
port.close();
