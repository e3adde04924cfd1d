/**
 * Agents engine vs matrix engine, side by side in one run (README, "Performance"): time per pattern for
 * per-pattern SGD (learn + step, B = 1) at 64-32-10 (digits) and 784-128-10 (seeded random
 * inputs), and messages per second. Each engine is warmed up, then timed over several
 * repetitions, alternating engines (experiments/shared/timing.ts); the figure is the median
 * repetition. Time is the process's CPU time, which other jobs on a shared machine disturb less
 * than wall-clock time.
 *
 * Scheduled mode (--timing scheduled, D = 1 on every connection) is timed in the same turns, against
 * the synchronous agents engine; its events are the clock's deliveries (one per message and connection).
 *
 * Messages are counted with the trace recorder on one pattern: neuron messages (activation,
 * error, nudge, lateral; the input volley not counted) and per-synapse weight-update events.
 * The recorder makes first-layer neurons send their error messages, which nothing else reads.
 *
 *   npx tsx bench/agents.ts [--patterns N] [--reps R]
 */
import { fileURLToPath } from 'node:url';
import { AgentsEngine } from '../src/engines/agents-engine.ts';
import { createRandom } from '../src/core/random.ts';
import { loadDigits } from '../src/data/datasets.ts';
import { createEngine } from '../src/engines/index.ts';
import type { Engine } from '../src/nn/engine.ts';
import { initParams } from '../src/nn/params.ts';
import { parseNetSpec, type NetSpec } from '../src/nn/spec.ts';
import { median } from '../src/report/stats.ts';
import { takeTurns, TimedCase } from '../experiments/shared/timing.ts';

export interface AgentsBenchRow {
  net: string;
  data: string;
  patterns: number;
  reps: number;
  /** Median µs per pattern. */
  matrixUs: number;
  agentsUs: number;
  ratio: number;
  /** Scheduled mode, D = 1: median µs per pattern, its ratio to the synchronous agents engine. */
  scheduledUs: number;
  scheduledRatio: number;
  /** Scheduled mode: deliveries per pattern and per second. */
  deliveries: number;
  deliveriesPerSecond: number;
  /** Per pattern, as recorded by the trace. */
  neuronMessages: number;
  synapseEvents: number;
  neuronMessagesPerSecond: number;
  synapseEventsPerSecond: number;
}

const net = (input: number, hidden: number, out: number): NetSpec =>
  parseNetSpec({
    input: [input],
    layers: [
      { type: 'dense', units: hidden, activation: { name: 'tanh', a: 1.7159, b: 0.6667 } },
      { type: 'dense', units: out, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  });

/** Per-pattern SGD (learn + step) over the patterns, as a timed case. */
function sgdCase(engine: Engine, inputs: Float64Array[], targets: Float64Array[]): TimedCase {
  return new TimedCase({
    run(start, count) {
      for (let s = 0; s < count; s++) {
        const p = (start + s) % inputs.length;
        engine.learn(inputs[p]!, targets[p]!);
        engine.step(0.01);
      }
    },
  });
}

function countMessages(
  spec: NetSpec,
  seed: string,
  x: Float64Array,
  t: Float64Array,
): { neuron: number; synapse: number } {
  const engine = new AgentsEngine(spec, initParams(spec, createRandom(seed)), { rule: 'backprop' });
  const recorder = engine.trace();
  engine.learn(x, t);
  recorder.stop();
  const records = recorder.records.filter((r) => r.layer >= 0);
  const synapse = records.filter((r) => r.kind === 'weight-update').length;
  return { neuron: records.length - synapse, synapse };
}

async function benchNet(
  name: string,
  spec: NetSpec,
  data: string,
  inputs: Float64Array[],
  targets: Float64Array[],
  reps: number,
): Promise<AgentsBenchRow> {
  const params = initParams(spec, createRandom(`bench/${name}`));
  const matrix = sgdCase(createEngine('matrix', spec, params, { rule: 'backprop' }), inputs, targets);
  const agents = sgdCase(createEngine('agents', spec, params, { rule: 'backprop' }), inputs, targets);
  const scheduledEngine = new AgentsEngine(spec, params, { rule: 'backprop' }, {}, { mode: 'scheduled', delay: 1 });
  const scheduled = sgdCase(scheduledEngine, inputs, targets);
  // One pass over the patterns as warm-up, then one per repetition, the engines taking turns.
  for (const c of [matrix, agents, scheduled]) await c.warmUpFixed(inputs.length);
  const before = scheduledEngine.circuit.clock.tasksRun;
  await takeTurns([matrix, agents, scheduled], reps);
  const deliveries = (scheduledEngine.circuit.clock.tasksRun - before) / (reps * inputs.length);
  // CPU µs per pattern (user + system: on a shared machine, time waiting for a core is not counted).
  const cpuMicroseconds = (c: TimedCase): number => (median(c.cpu) * 1e6) / inputs.length;
  const matrixUs = cpuMicroseconds(matrix);
  const agentsUs = cpuMicroseconds(agents);
  const scheduledUs = cpuMicroseconds(scheduled);
  const counts = countMessages(spec, `bench/${name}`, inputs[0]!, targets[0]!);
  return {
    net: name,
    data,
    patterns: inputs.length,
    reps,
    matrixUs,
    agentsUs,
    ratio: agentsUs / matrixUs,
    scheduledUs,
    scheduledRatio: scheduledUs / agentsUs,
    deliveries,
    deliveriesPerSecond: deliveries / (scheduledUs * 1e-6),
    neuronMessages: counts.neuron,
    synapseEvents: counts.synapse,
    neuronMessagesPerSecond: counts.neuron / (agentsUs * 1e-6),
    synapseEventsPerSecond: counts.synapse / (agentsUs * 1e-6),
  };
}

export async function runAgentsBench(options: { patterns?: number; reps?: number } = {}): Promise<AgentsBenchRow[]> {
  const patterns = options.patterns ?? 500;
  const reps = options.reps ?? 7;
  const digits = loadDigits();
  const small = await benchNet(
    '64-32-10',
    net(64, 32, 10),
    'digits',
    digits.inputs.slice(0, patterns),
    digits.targets.slice(0, patterns),
    reps,
  );
  const random = createRandom('bench/784');
  const inputs = Array.from({ length: patterns }, () => Float64Array.from({ length: 784 }, () => random.uniform()));
  const targets = Array.from({ length: patterns }, () => {
    const t = new Float64Array(10);
    t[random.int(10)] = 1;
    return t;
  });
  const large = await benchNet('784-128-10', net(784, 128, 10), 'random', inputs, targets, reps);
  return [small, large];
}

export function formatAgentsBench(rows: AgentsBenchRow[]): string {
  const si = (v: number): string => (v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : `${(v / 1e3).toFixed(1)} k`);
  const lines = [
    'agents vs matrix engine, backprop, per-pattern SGD (learn + step, B = 1): CPU time, ' +
      'median of repetitions after warm-up',
    // Traced messages include the first layer's errors, sent only because the recorder is attached (README,
    // Performance);
    // synapse updates/s is synapses × patterns/s: untraced, no event object exists per update.
    'net          data     matrix µs/pattern  agents µs/pattern  agents/matrix  traced msgs/pattern  ' +
      'msgs/s     synapses updated/pattern  updates/s',
  ];
  for (const r of rows) {
    lines.push(
      `${r.net.padEnd(12)} ${r.data.padEnd(8)} ${r.matrixUs.toFixed(1).padStart(17)}  ` +
        `${r.agentsUs.toFixed(1).padStart(17)}  ${r.ratio.toFixed(2).padStart(12)}×  ` +
        `${String(r.neuronMessages).padStart(19)}  ${si(r.neuronMessagesPerSecond).padStart(9)}  ` +
        `${String(r.synapseEvents).padStart(22)}  ${si(r.synapseEventsPerSecond).padStart(8)}`,
    );
  }
  lines.push('', 'scheduled mode (--timing scheduled, D = 1 on every connection) vs synchronous agents, same turns');
  lines.push('net          scheduled µs/pattern  scheduled/synchronous  deliveries/pattern  deliveries/s');
  for (const r of rows) {
    lines.push(
      `${r.net.padEnd(12)} ${r.scheduledUs.toFixed(1).padStart(20)}  ${r.scheduledRatio.toFixed(2).padStart(20)}×  ` +
        `${r.deliveries.toFixed(0).padStart(18)}  ${si(r.deliveriesPerSecond).padStart(12)}`,
    );
  }
  lines.push(`(${rows[0]?.patterns} patterns × ${rows[0]?.reps} repetitions per engine and net)`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (flag: string): number | undefined => {
    const k = process.argv.indexOf(flag);
    return k > 0 ? Number(process.argv[k + 1]) : undefined;
  };
  console.log(formatAgentsBench(await runAgentsBench({ patterns: arg('--patterns'), reps: arg('--reps') })));
}
