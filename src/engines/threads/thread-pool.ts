/**
 * A fork–join pool of worker threads for the matrix engine's minibatches. Threads share
 * the arrays (SharedArrayBuffer); a job is a few integers in a shared control block, started with
 * Atomics.notify and joined with Atomics.wait, so a job costs microseconds, not a message round
 * trip. The main thread runs shard 0 and worker k shard k (job.ts: a dense layer's products in
 * shard.ts, a conv net's patterns in pattern-batch.ts): a fixed shard per thread,
 * and no sum crosses threads, so the numbers do not depend on the number of threads.
 *
 * Each worker acknowledges every job in its own slots (control.ts): the generation, the engine whose
 * arrays it used and its count of jobs run; after the join the main thread checks them
 * (acknowledgement-error.ts), so a job run twice or on another engine's arrays throws instead of
 * changing numbers. A worker's exception comes back as this thread's; a worker that stopped, or
 * did not take a job within a minute, makes it throw rather than wait forever.
 *
 * One pool per process, of `threads − 1` workers (setThreads, default: the number of cores),
 * started on first use. Workers run this directory's worker file: worker.ts under tsx (a clone,
 * the tests) or worker.js beside the compiled dist/ file (an installed package).
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { acknowledgementError } from './acknowledgement-error.ts';
import { Ack, ackSlot, Control, controlSize, STOPPED } from './control.ts';
import { runJob, type JobArrays } from './job.ts';

export { newEngineId, sharedFloat64 } from './shared-arrays.ts';

let requestedThreads = availableParallelism();

/** The number of threads minibatches are split over from now on (1: no workers). */
export function setThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`threads must be a positive integer, got ${threads}`);
  requestedThreads = threads;
}

export function threadCount(): number {
  return requestedThreads;
}

/** How long a worker may take to pick up a job before it counts as gone. */
const TAKE_LIMIT_MS = 60_000;

interface PoolWorker {
  worker: Worker;
  port: MessagePort;
  /** The engine whose arrays this worker holds. */
  engine: number;
}

class ThreadPool {
  private readonly control: Int32Array;
  private readonly scale = new Float64Array(new SharedArrayBuffer(8));
  private readonly workers: PoolWorker[] = [];
  /** Jobs this pool has run: each worker's count of jobs run must equal it after a join. */
  private jobs = 0;
  /** Set when an acknowledgement was wrong: the pool is then replaced (threadPool). */
  broken = false;

  constructor(readonly threads: number) {
    this.control = new Int32Array(new SharedArrayBuffer(controlSize(threads) * Int32Array.BYTES_PER_ELEMENT));
    const entry = workerEntry();
    for (let k = 1; k < threads; k++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(entry.file, {
        eval: entry.eval,
        execArgv: [],
        workerData: { control: this.control.buffer, scale: this.scale.buffer, port: port2, k },
        transferList: [port2],
      });
      worker.unref();
      port1.unref();
      this.workers.push({ worker, port: port1, engine: -1 });
    }
    // The workers start while this thread waits (their 'error' events could not reach it: a time limit instead).
    const deadline = Date.now() + 60_000;
    for (
      let ready = Atomics.load(this.control, Control.ready);
      ready < threads - 1;
      ready = Atomics.load(this.control, Control.ready)
    ) {
      if (Date.now() > deadline)
        throw new Error(`thread pool: ${threads - 1 - ready} worker(s) did not start within 60 s`);
      Atomics.wait(this.control, Control.ready, ready, 100);
    }
  }

  get controlBlock(): Int32Array {
    return this.control;
  }

  /** Stops the workers (each is waiting for a job). */
  close(): void {
    for (const w of this.workers) void w.worker.terminate();
  }

  /** Run `op` on layer l of the arrays `engine` names over all threads; returns when every shard is done. */
  run(engine: number, arrays: JobArrays, op: number, l: number, B: number, first: number, s: number): void {
    const c = this.control;
    for (const w of this.workers) {
      if (w.engine !== engine) w.port.postMessage({ engine, arrays });
      w.engine = engine;
    }
    c[Control.op] = op;
    c[Control.layer] = l;
    c[Control.patterns] = B;
    c[Control.first] = first;
    c[Control.threads] = this.threads;
    c[Control.engine] = engine;
    this.scale[0] = s;
    const generation = Atomics.add(c, Control.generation, 1) + 1;
    Atomics.notify(c, Control.generation);
    this.jobs++;
    jobs++;
    let failure: unknown = null;
    try {
      runJob(op, arrays, l, B, first, s, 0, this.threads);
    } catch (e) {
      failure = e; // the workers are still on this job: join them before the error leaves
    }
    this.join(generation);
    if (failure !== null) throw failure;
    const mismatch = acknowledgementError(c, this.threads, generation, engine, this.jobs);
    if (mismatch !== null) {
      this.broken = true;
      throw new Error(mismatch);
    }
  }

  /** Wait until every worker has acknowledged job `generation`; then a worker's failure is rethrown here. */
  private join(generation: number): void {
    const c = this.control;
    const failures: string[] = [];
    for (let k = 1; k < this.threads; k++) {
      const acked = ackSlot(k, Ack.generation),
        since = Date.now();
      for (let seen = Atomics.load(c, acked); seen !== generation; seen = Atomics.load(c, acked)) {
        const taken = Atomics.load(c, ackSlot(k, Ack.taken));
        if (taken === STOPPED || (taken !== generation && Date.now() - since > TAKE_LIMIT_MS)) {
          this.broken = true;
          const why = taken === STOPPED ? 'has stopped' : `did not take job ${generation} within 60 s`;
          throw new Error(`thread pool: worker ${k} ${why}`);
        }
        Atomics.wait(c, acked, seen, 1000);
      }
      if (Atomics.load(c, ackSlot(k, Ack.failed)) !== 0) {
        const sent = receiveMessageOnPort(this.workers[k - 1]!.port)?.message as { failure?: string } | undefined;
        failures.push(`worker ${k} failed on job ${generation}: ${sent?.failure ?? '(no message)'}`);
      }
    }
    // Thrown once every worker is past this job, so the next job cannot overwrite one a worker is still reading.
    if (failures.length > 0) throw new Error(`thread pool: ${failures.join('; ')}`);
  }
}

/**
 * The worker's entry: worker.js beside this file once compiled; from the sources, a small script
 * that registers tsx in the worker and then imports worker.ts (a worker inherits no TypeScript
 * loader, and `--import tsx` registers it too late for the worker's own first module).
 */
function workerEntry(): { file: string | URL; eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { file: new URL('./worker.js', here), eval: false };
  const tsx = pathToFileURL(
    createRequire(here)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const worker = new URL('./worker.ts', here).href;
  return {
    file:
      `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); ` +
      `return import(${JSON.stringify(worker)}); });`,
    eval: true,
  };
}

let pool: ThreadPool | null = null;
let jobs = 0;

/** How many jobs the pool has run in this process (a test's evidence that the threads were used). */
export function threadJobs(): number {
  return jobs;
}

/** The process's pool at the requested size (a new one when the size changed or a check failed), or null for one thread. */
export function threadPool(): { run: ThreadPool['run'] } | null {
  if (requestedThreads === 1) return null;
  if (pool !== null && (pool.threads !== requestedThreads || pool.broken)) {
    pool.close();
    pool = null;
  }
  pool ??= new ThreadPool(requestedThreads);
  return pool;
}

/**
 * The live pool's control block (null without one), for tests that play a late wake-up or a job
 * the main thread did not start, and check the workers' acknowledgements.
 */
export function threadPoolControl(): Int32Array | null {
  return pool?.controlBlock ?? null;
}
