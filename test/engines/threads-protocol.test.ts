/**
 * The thread pool's protocol (engines/threads/): a worker runs each job once, on the arrays of the
 * engine the job names, and says so. A late wake-up (the main thread's notify reaching a worker that
 * already ran the job) once made a worker run a minibatch step twice; the tests play it through the
 * pool's control block, and check the acknowledgements that make any such mismatch throw.
 */
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { MatrixEngine } from '../../src/engines/matrix-engine.ts';
import { acknowledgementError } from '../../src/engines/threads/acknowledgement-error.ts';
import { arraysFor, type EngineArrays } from '../../src/engines/threads/arrays-for.ts';
import { Ack, ackSlot, Control, controlSize, STOPPED } from '../../src/engines/threads/control.ts';
import { Op, type SharedLayer } from '../../src/engines/threads/shard.ts';
import {
  newEngineId,
  setThreads,
  sharedFloat64,
  threadCount,
  threadPool,
  threadPoolControl,
} from '../../src/engines/threads/thread-pool.ts';
import { initParams } from '../../src/nn/params.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';
import { backprop } from '../../src/rules/backprop.ts';
import { expectSameParams, firstParamsDifference } from '../helpers/same-numbers.ts';

const dense = parseNetSpec({
  input: [11],
  layers: [
    { type: 'dense', units: 9, activation: 'relu' },
    { type: 'dense', units: 6, activation: 'tanh' },
    { type: 'dense', units: 4, activation: 'identity' },
  ],
  loss: 'softmax-cross-entropy',
});
const conv = parseNetSpec({
  input: [2, 8, 7],
  layers: [
    { type: 'conv', filters: 3, kernel: 3, activation: 'relu' },
    { type: 'pool', mode: 'max', size: 2 },
    { type: 'dense', units: 4, activation: 'identity' },
  ],
  loss: 'softmax-cross-entropy',
});
const random = createRandom('thread protocol');
const denseStart = initParams(dense, random.derive('dense'));
const convStart = initParams(conv, random.derive('conv'));
const denseInputs = Array.from({ length: 64 }, () => Float64Array.from({ length: 11 }, () => random.normal()));
const convInputs = Array.from({ length: 64 }, () => Float64Array.from({ length: 2 * 8 * 7 }, () => random.normal()));
const targets = Array.from({ length: 64 }, () => {
  const t = new Float64Array(4);
  t[random.int(4)] = 1;
  return t;
});
const B = 32;
const η = 0.05;
const initial = threadCount();
afterAll(() => setThreads(initial));

/** Batch s of B patterns (of 64, cycling). */
function batch(inputs: Float64Array[], s: number): { xs: Float64Array[]; ts: Float64Array[] } {
  const at = (p: number) => (s * 7 + p) % 64;
  return {
    xs: Array.from({ length: B }, (_, p) => inputs[at(p)]!),
    ts: Array.from({ length: B }, (_, p) => targets[at(p)]!),
  };
}

/** One step of batch s: pattern by pattern (learn), or learnBatch. */
function train(engine: MatrixEngine, inputs: Float64Array[], s: number, batched: boolean): void {
  const { xs, ts } = batch(inputs, s);
  if (batched) engine.learnBatch(xs, ts);
  else for (let p = 0; p < B; p++) engine.learn(xs[p]!, ts[p]!);
  engine.step(η);
}

function engineAt(threads: number, which: 'dense' | 'conv'): MatrixEngine {
  setThreads(threads);
  return which === 'dense'
    ? new MatrixEngine(dense, denseStart, () => backprop)
    : new MatrixEngine(conv, convStart, () => backprop);
}

/** Blocks this thread for `ms` (the workers run meanwhile). */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function liveControl(): Int32Array {
  const control = threadPoolControl();
  if (control === null) throw new Error('no thread pool');
  return control;
}

describe('arraysFor: a worker takes an engine’s arrays from its port only while it needs them', () => {
  const arrays = (engine: number): EngineArrays => ({ engine, arrays: [] });

  /** The drain loop the worker had: its update expression takes one more message after the wanted one. */
  function oldDrain(wanted: number, held: EngineArrays, receive: () => { message: unknown } | undefined) {
    let h = held;
    for (let m = receive(); h.engine !== wanted && m !== undefined; m = receive()) h = m.message as EngineArrays;
    return h;
  }

  // The old loop dropped engine 5's arrays with engine 4's: the worker then held engine 4's for a job on 5.
  it.each([
    ['arraysFor', arraysFor, 5],
    ['the old drain loop (negative control)', oldDrain, 4],
  ] as const)('two messages queued, then a job on each engine: %s', (_, take, heldForFive) => {
    const { port1, port2 } = new MessageChannel();
    const receive = () => receiveMessageOnPort(port2);
    port1.postMessage(arrays(4));
    port1.postMessage(arrays(5));
    const forFour = take(4, arrays(-1), receive);
    expect(forFour.engine).toBe(4);
    expect(take(5, forFour, receive).engine).toBe(heldForFive);
    port1.close();
  });

  it('a job on the engine it holds leaves a queued message for the next engine', () => {
    const { port1, port2 } = new MessageChannel();
    const receive = () => receiveMessageOnPort(port2);
    port1.postMessage(arrays(8));
    expect(arraysFor(7, arrays(7), receive).engine).toBe(7);
    expect(arraysFor(8, arrays(7), receive).engine).toBe(8);
    expect(() => arraysFor(9, arrays(8), receive)).toThrow(
      "thread pool: no arrays for engine 9 (the worker holds engine 8's)",
    );
    port1.close();
  });
});

describe('acknowledgementError: each worker ran exactly this job, on this engine', () => {
  /** A control block of 3 threads where both workers acknowledged job 12 on engine 3, their 12th. */
  function acknowledged(): Int32Array {
    const control = new Int32Array(controlSize(3));
    for (const k of [1, 2]) {
      control[ackSlot(k, Ack.generation)] = 12;
      control[ackSlot(k, Ack.engine)] = 3;
      control[ackSlot(k, Ack.jobs)] = 12;
    }
    return control;
  }

  it('sound acknowledgements pass', () => {
    expect(acknowledgementError(acknowledged(), 3, 12, 3, 12)).toBeNull();
  });

  it.each([
    ['another generation', Ack.generation, 11],
    ['another engine’s arrays', Ack.engine, 2],
    ['one job too many (a job run twice)', Ack.jobs, 13],
  ])('%s in worker 2 throws', (_, field, value) => {
    const control = acknowledged();
    control[ackSlot(2, field)] = value;
    expect(acknowledgementError(control, 3, 12, 3, 12)).toMatch(
      /^thread pool: worker 2 acknowledged job \d+ on engine \d+ as its job number \d+, for job 12 on engine 3, /,
    );
  });
});

describe('the live pool, 2 threads', () => {
  it('a late wake-up (a notify for a job the worker already ran) does not run it again', () => {
    const one = engineAt(1, 'dense'),
      two = engineAt(2, 'dense');
    train(one, denseInputs, 0, false);
    train(two, denseInputs, 0, false);
    const control = liveControl();
    const jobs = Atomics.load(control, ackSlot(1, Ack.jobs));
    expect(jobs, 'the worker ran the step’s jobs').toBeGreaterThan(0);
    for (let wake = 0; wake < 5; wake++) {
      sleep(20); // the worker is back waiting on the generation it ran
      Atomics.notify(control, Control.generation);
    }
    sleep(100);
    expect(Atomics.load(control, ackSlot(1, Ack.jobs)), 'jobs the worker ran').toBe(jobs);
    expectSameParams(two.snapshot(), one.snapshot(), 'after the wake-ups');
    train(one, denseInputs, 1, false);
    train(two, denseInputs, 1, false);
    expectSameParams(two.snapshot(), one.snapshot(), 'the next step');
  });

  it('a job the main thread did not start (the last one run again) makes the next job throw', () => {
    const one = engineAt(1, 'dense'),
      two = engineAt(2, 'dense');
    train(one, denseInputs, 0, false);
    train(two, denseInputs, 0, false);
    const control = liveControl();
    const jobs = Atomics.load(control, ackSlot(1, Ack.jobs));
    // What the late wake-up did: the worker runs the last job (a step of layer 2) a second time.
    const phantom = Atomics.add(control, Control.generation, 1) + 1;
    Atomics.notify(control, Control.generation);
    for (let waited = 0; Atomics.load(control, ackSlot(1, Ack.generation)) !== phantom && waited < 10_000; waited++)
      sleep(1);
    expect(Atomics.load(control, ackSlot(1, Ack.jobs))).toBe(jobs + 1);
    expect(firstParamsDifference(two.snapshot(), one.snapshot()), 'the step run twice').toMatch(/^layer 2 weights/);
    expect(() => train(two, denseInputs, 1, false)).toThrow(/^thread pool: worker 1 acknowledged .*cannot be trusted$/);
    // The pool that failed its check is replaced: fresh engines train on it, the same bits as one thread.
    const again = engineAt(2, 'dense'),
      reference = engineAt(1, 'dense');
    for (let s = 0; s < 2; s++) {
      setThreads(2);
      train(again, denseInputs, s, false);
      setThreads(1);
      train(reference, denseInputs, s, false);
    }
    expect(threadPoolControl()).not.toBe(control);
    expectSameParams(again.snapshot(), reference.snapshot(), 'on the new pool');
  });

  it('a worker’s exception is thrown by the job, and the next job runs', () => {
    setThreads(2);
    const pool = threadPool()!;
    // Error products split by patterns: with one pattern the main thread's shard is empty, the worker's is not.
    const broken = {
      m: 4,
      n: 4,
      w: null,
      b: sharedFloat64(4),
      g: sharedFloat64(16),
      x: sharedFloat64(4),
      Δz: sharedFloat64(4),
      z: sharedFloat64(4),
      Δy: sharedFloat64(4),
    } as unknown as SharedLayer;
    expect(() => pool.run(newEngineId(), [broken], Op.error, 0, 1, 0, 0)).toThrow(
      /^thread pool: worker 1 failed on job \d+: TypeError: Cannot read properties of null/,
    );
    const one = engineAt(1, 'dense'),
      two = engineAt(2, 'dense');
    train(one, denseInputs, 0, true);
    train(two, denseInputs, 0, true);
    expectSameParams(two.snapshot(), one.snapshot(), 'the step after the failure');
  });

  it('a worker that stopped makes the next job throw, not wait', () => {
    const two = engineAt(2, 'dense');
    train(two, denseInputs, 0, false);
    const control = liveControl();
    control[Control.op] = Op.exit;
    Atomics.add(control, Control.generation, 1);
    Atomics.notify(control, Control.generation);
    for (let waited = 0; Atomics.load(control, ackSlot(1, Ack.taken)) !== STOPPED && waited < 10_000; waited++)
      sleep(1);
    expect(Atomics.load(control, ackSlot(1, Ack.taken)), 'the worker left its loop').toBe(STOPPED);
    expect(() => train(two, denseInputs, 1, false)).toThrow('thread pool: worker 1 has stopped');
  });
});

describe('engines switching on one pool every step: 2 threads against 1, every weight bit for bit', () => {
  // Two dense engines pattern by pattern (their steps on the pool), one by learnBatch (forward and
  // error products too), two conv nets (threads/pattern-batch.ts): the pool changes engine at every job group.
  const kinds = [
    { kind: 'dense', batched: false },
    { kind: 'dense', batched: false },
    { kind: 'dense', batched: true },
    { kind: 'conv', batched: true },
    { kind: 'conv', batched: true },
  ] as const;
  const inputsOf = (kind: 'dense' | 'conv') => (kind === 'dense' ? denseInputs : convInputs);

  it('40 steps of 32', () => {
    const one = kinds.map(({ kind }) => engineAt(1, kind));
    const two = kinds.map(({ kind }) => engineAt(2, kind));
    for (let s = 0; s < 40; s++) {
      kinds.forEach(({ kind, batched }, e) => {
        setThreads(1);
        train(one[e]!, inputsOf(kind), s, batched);
        setThreads(2);
        train(two[e]!, inputsOf(kind), s, batched);
        expectSameParams(two[e]!.snapshot(), one[e]!.snapshot(), `engine ${e}, step ${s}`);
      });
    }
    // The steps moved the weights: the comparisons saw trained numbers.
    expect(firstParamsDifference(one[0]!.snapshot(), denseStart)).not.toBeNull();
    expect(firstParamsDifference(one[3]!.snapshot(), convStart)).not.toBeNull();
  });

  it('negative control: one weight perturbed by one ulp in one engine is told apart', () => {
    const one = engineAt(1, 'dense'),
      two = engineAt(2, 'dense');
    train(one, denseInputs, 0, false);
    setThreads(2);
    train(two, denseInputs, 0, false);
    expect(firstParamsDifference(two.snapshot(), one.snapshot())).toBeNull();
    const w = two.net.params.layers[2]!.weights;
    w[12] = w[12]! + Math.abs(w[12]!) * Number.EPSILON;
    expect(firstParamsDifference(two.snapshot(), one.snapshot())).toMatch(/^layer 2 weights\[12\] /);
  });
});
