/**
 * A JavaScript contender in a process of its own, so that no contender's heap slows another's
 * garbage collection (synaptic's 784-512-10 net alone keeps about 400 000 objects alive). The
 * parent (process-contender.ts) writes one job line on stdin; this process loads the net, weights
 * and data from the job's files, and for each batch size builds the contender, runs the loss
 * check (loss-check.ts) and, if it passed, warms up; then it answers "@bench {ready}" and, for
 * each "{case: i}" line, times one repetition of case i and answers "@bench {wall, cpu, E}".
 * Lines without the "@bench " prefix are not the protocol (libraries print to stdout).
 *
 *   node --import tsx bench/contender-process.ts    (started by the bench, not by hand)
 */
import { createInterface } from 'node:readline';
import { setThreads } from '../src/engines/threads/thread-pool.ts';
import { TimedCase } from '../experiments/shared/timing.ts';
import { readBenchFiles } from './bench-files.ts';
import type { Contender, Trainer } from './contender.ts';
import { checkLoss } from './loss-check.ts';
import { PROTOCOL_PREFIX, type CaseReady, type ContenderJob, type ProcessReady, type Repetition } from './protocol.ts';

async function contenderById(id: string): Promise<Contender> {
  // Imported on demand: a process loads only its own library.
  if (id === 'matrix' || id === 'agents') {
    const m = await import('./localprop-contenders.ts');
    return id === 'matrix' ? m.matrixContender : m.agentsContender;
  }
  if (id === 'tfjs-cpu' || id === 'tfjs-wasm') {
    const m = await import('./tfjs-contenders.ts');
    return id === 'tfjs-cpu' ? m.tfjsCpuContender : m.tfjsWasmContender;
  }
  if (id === 'synaptic') return (await import('./synaptic-contender.ts')).synapticContender;
  throw new Error(`no JavaScript contender "${id}"`);
}

const send = (message: unknown): void => void process.stdout.write(`${PROTOCOL_PREFIX}${JSON.stringify(message)}\n`);

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('no job on stdin');
  const job = JSON.parse(first.value) as ContenderJob;
  setThreads(job.threads);
  const setup = readBenchFiles(job.files);
  const contender = await contenderById(job.contender);
  const cases: { ready: CaseReady; timed?: TimedCase; trainer?: Trainer }[] = [];
  for (const batch of job.batches) {
    const ready: CaseReady = { batch, status: 'ok' };
    cases.push({ ready });
    if (!contender.supports(setup.spec, batch)) {
      ready.status = 'not supported';
      continue;
    }
    let trainer = await contender.create(setup, batch);
    await trainer.activate?.();
    ready.η = setup.η;
    ready.check = checkLoss(trainer, batch, job.checkPatterns);
    if (!ready.check.passed && contender.retryηFactor !== undefined) {
      trainer.dispose?.();
      ready.checkAtCommonη = ready.check;
      ready.η = setup.η * contender.retryηFactor;
      trainer = await contender.create({ ...setup, η: ready.η }, batch);
      await trainer.activate?.();
      ready.check = checkLoss(trainer, batch, job.checkPatterns);
    }
    if (trainer.details) ready.details = trainer.details;
    if (!ready.check.passed) {
      ready.status = 'failed check';
      ready.reason = ready.check.reason!;
      trainer.dispose?.();
      continue;
    }
    const timed = new TimedCase(trainer, batch);
    await timed.warmUp(job.budget);
    ready.patterns = timed.patterns;
    cases[cases.length - 1] = { ready, timed, trainer };
  }
  send({
    cases: cases.map((c) => c.ready),
    written: contender.written,
    note: contender.note,
  } satisfies ProcessReady);
  for (let line = await lines.next(); !line.done; line = await lines.next()) {
    const { case: k } = JSON.parse(line.value) as { case: number };
    const timed = cases[k]?.timed;
    if (!timed) throw new Error(`case ${k} is not timed`);
    await timed.repetition();
    send({
      wall: timed.wall.at(-1)!,
      cpu: timed.cpu.at(-1)!,
      E: timed.lastRepLoss * timed.patterns,
    } satisfies Repetition);
  }
  for (const c of cases) c.trainer?.dispose?.();
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message.split('\n')[0]}\n`);
  process.exit(1);
});
