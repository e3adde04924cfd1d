/**
 * A fork–join pool of worker threads for the matrix engine's minibatches. Threads share
 * the arrays (SharedArrayBuffer); a job is a few integers in a shared control block, started with
 * Atomics.notify and joined with Atomics.wait, so a job costs microseconds, not a message round
 * trip. The main thread runs shard 0 and worker k shard k (job.ts: a dense layer's products in
 * shard.ts, a conv net's patterns in pattern-batch.ts): a fixed shard per thread,
 * and no sum crosses threads, so the numbers do not depend on the number of threads.
 *
 * One pool per process, of `threads − 1` workers (setThreads, default 1: no pool — a minibatch step of 32 once
 * differed from the textbook under load with 2 threads, and until that is found threads are asked for),
 * started on first use. Workers run this directory's worker file: worker.ts under tsx (a clone,
 * the tests) or worker.js beside the compiled dist/ file (an installed package).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { Control } from './control.ts';
import { runJob, type JobArrays } from './job.ts';

export { newEngineId, sharedFloat64 } from './shared-arrays.ts';

let requestedThreads = 1;

/** The number of threads minibatches are split over from now on (1: no workers). */
export function setThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`threads must be a positive integer, got ${threads}`);
  requestedThreads = threads;
}

export function threadCount(): number {
  return requestedThreads;
}

interface PoolWorker {
  worker: Worker;
  port: MessagePort;
  /** The engine whose arrays this worker holds. */
  engine: number;
}

class ThreadPool {
  private readonly control = new Int32Array(new SharedArrayBuffer(Control.size * 4));
  private readonly scale = new Float64Array(new SharedArrayBuffer(8));
  private readonly workers: PoolWorker[] = [];

  constructor(readonly threads: number) {
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

  /** Stops the workers (each is waiting for a job). */
  close(): void {
    for (const w of this.workers) void w.worker.terminate();
  }

  /** Run `op` on layer l of the arrays `engine` names over all threads; returns when every shard is done. */
  run(engine: number, layers: JobArrays, op: number, l: number, B: number, first: number, s: number): void {
    const c = this.control;
    for (const w of this.workers) {
      if (w.engine !== engine) w.port.postMessage({ engine, layers });
      w.engine = engine;
    }
    c[Control.op] = op;
    c[Control.layer] = l;
    c[Control.patterns] = B;
    c[Control.first] = first;
    c[Control.threads] = this.threads;
    c[Control.engine] = engine;
    this.scale[0] = s;
    Atomics.store(c, Control.done, 0);
    Atomics.add(c, Control.generation, 1);
    Atomics.notify(c, Control.generation);
    jobs++;
    runJob(op, layers, l, B, first, s, 0, this.threads);
    for (let done = Atomics.load(c, Control.done); done < this.threads - 1; done = Atomics.load(c, Control.done)) {
      Atomics.wait(c, Control.done, done);
    }
    if (Atomics.load(c, Control.failed) !== 0) throw new Error('thread pool: a worker failed (its error is on stderr)');
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

/** The process's pool at the requested size (a new one when the size changed), or null for one thread. */
export function threadPool(): { run: ThreadPool['run'] } | null {
  if (requestedThreads === 1) return null;
  if (pool !== null && pool.threads !== requestedThreads) pool.close();
  if (pool === null || pool.threads !== requestedThreads) pool = new ThreadPool(requestedThreads);
  return pool;
}
