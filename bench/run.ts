/**
 * `npm run bench`: the same 784-128-10 MLP (relu hidden layer, softmax cross-entropy), trained
 * from the same initial weights on the same patterns by SGD at the same η, with per-pattern
 * updates (batch 1) and minibatches of 32, by every contender in ONE run:
 *   localprop's matrix engine, localprop's agents engine, TensorFlow.js (cpu backend and wasm
 *   backend) and synaptic (batch 1 only; see synaptic-contender.ts for how its net differs).
 * Each case is warmed up, then timed over several repetitions, the cases taking turns; the
 * figure is the median repetition (experiments/shared/timing.ts). Then a scaling sweep: time per
 * pattern against synapse count, 10³ … 10⁶, for both engines (scaling.ts).
 *
 *   npm run bench                       full run (a few minutes)
 *   npm run bench -- --quick            shorter warm-up and repetitions, fewer sweep points (< 1 min)
 *   npm run bench -- --scaling          the scaling sweep only
 *   npm run bench -- --no-scaling       the contenders only
 *   npm run bench -- --only matrix,tfjs-wasm   some contenders, no sweep
 *                                       (ids: matrix, agents, tfjs-cpu, tfjs-wasm, synaptic, pytorch)
 *   npm run bench -- --out DIR          write DIR/bench.json, .vl.json, .svg, .png (default results/)
 *   npm run bench -- --hidden 512       the contenders on 784-512-10 instead of 784-128-10
 *   npm run bench -- --threads N        the matrix engine's threads for minibatches of 16 or more (default: the cores)
 *
 * The table goes to stdout, progress to stderr. Speed is never asserted: these are figures.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRandom } from '../src/core/random.ts';
import { writeFileAtomic } from '../src/core/write-atomic.ts';
import { initParams } from '../src/nn/params.ts';
import { parseNetSpec } from '../src/nn/spec.ts';
import { withChartConfig } from '../src/report/chart-config.ts';
import { renderPng, renderSvg } from '../src/report/render.ts';
import { benchChart } from './chart.ts';
import type { BenchSetup, Contender, Trainer } from './contender.ts';
import { loadBenchData } from './fashion-mnist.ts';
import { agentsContender, matrixContender } from './localprop-contenders.ts';
import { describeMachine, type Machine } from './machine.ts';
import { runScaling, type ScalingResult } from './scaling.ts';
import { formatAgentsBench, runAgentsBench, type AgentsBenchRow } from './agents.ts';
import { synapticContender } from './synaptic-contender.ts';
import { runPyTorch, type PyTorchRow } from './pytorch-contender.ts';
import { setThreads } from '../src/engines/threads/thread-pool.ts';
import { tfjsCpuContender, tfjsWasmContender } from './tfjs-contenders.ts';
import { takeTurns, TimedCase, type Budget, type Timing } from '../experiments/shared/timing.ts';

const CONTENDERS: Contender[] = [
  matrixContender,
  agentsContender,
  tfjsCpuContender,
  tfjsWasmContender,
  synapticContender,
];
const BATCHES = [1, 32];
const η = 0.01;

const MODES = {
  full: {
    patterns: 2048,
    budget: { warmupSeconds: 1.5, repSeconds: 1, reps: 7 },
    sweep: { exponents: [3, 3.5, 4, 4.5, 5, 5.5, 6], budget: { warmupSeconds: 0.3, repSeconds: 0.4, reps: 7 } },
  },
  quick: {
    patterns: 1024,
    budget: { warmupSeconds: 0.3, repSeconds: 0.2, reps: 3 },
    sweep: { exponents: [3, 4, 5, 6], budget: { warmupSeconds: 0.1, repSeconds: 0.1, reps: 3 } },
  },
} satisfies Record<string, { patterns: number; budget: Budget; sweep: { exponents: number[]; budget: Budget } }>;

export interface CaseResult {
  contender: string;
  label: string;
  batch: number;
  status: 'ok' | 'missing' | 'not supported';
  note: string;
  /** Why the contender is missing (its error message). */
  reason?: string;
  details?: Record<string, unknown>;
  timing?: Timing;
  /** This contender's samples/s divided by the matrix engine's at the same batch size. */
  relativeToMatrix?: number;
}

export interface Target {
  goal: string;
  value: number | null;
  threshold: number;
  met: boolean | null;
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function runContenders(
  mode: (typeof MODES)[keyof typeof MODES],
  only: string[] | null,
  hidden: number,
): Promise<{ setup: BenchSetup; results: CaseResult[]; pytorch: PyTorchRow[] | null }> {
  const spec = parseNetSpec({
    input: [784],
    layers: [
      { type: 'dense', units: hidden, activation: 'relu' },
      { type: 'dense', units: 10, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  });
  const setup: BenchSetup = {
    spec,
    params: initParams(spec, createRandom('bench')),
    data: loadBenchData(mode.patterns),
    η,
  };
  log(`data: ${setup.data.source}`);
  const results: CaseResult[] = [];
  const timed: { result: CaseResult; timed: TimedCase; trainer: Trainer }[] = [];
  for (const contender of CONTENDERS.filter((c) => !only || only.includes(c.id))) {
    for (const batch of BATCHES) {
      const result: CaseResult = {
        contender: contender.id,
        label: contender.label,
        batch,
        status: 'ok',
        note: contender.note,
      };
      results.push(result);
      if (!contender.supports(batch)) {
        result.status = 'not supported';
        continue;
      }
      log(
        `${contender.label}, batch ${batch}: ` +
          `building${contender.id === 'synaptic' ? ' (synaptic compiles its optimised network: slow)' : ''}`,
      );
      try {
        const trainer = await contender.create(setup, batch);
        if (trainer.details) result.details = trainer.details;
        const c = new TimedCase(trainer, batch);
        log(`${contender.label}, batch ${batch}: warming up`);
        await c.warmUp(mode.budget);
        timed.push({ result, timed: c, trainer });
      } catch (error) {
        result.status = 'missing';
        result.reason = (error as Error).message.split('\n')[0];
        log(`${contender.label}, batch ${batch}: missing — ${result.reason}`);
      }
    }
  }
  await takeTurns(
    timed.map((t) => t.timed),
    mode.budget.reps,
    (r) => log(`repetition ${r + 1} of ${mode.budget.reps}`),
  );
  for (const { result, timed: c, trainer } of timed) {
    result.timing = c.result();
    trainer.dispose?.();
  }
  for (const result of results) {
    const matrix = results.find((m) => m.contender === 'matrix' && m.batch === result.batch)?.timing;
    if (result.timing && matrix) result.relativeToMatrix = result.timing.samplesPerSecond / matrix.samplesPerSecond;
  }
  let pytorch: PyTorchRow[] | null = null;
  if (!only || only.includes('pytorch')) {
    pytorch = runPyTorch(
      setup,
      BATCHES,
      { warmupSeconds: mode.budget.warmupSeconds, reps: mode.budget.reps, repPatterns: 256 },
      log,
    );
    for (const row of pytorch) {
      const matrix = results.find((m) => m.contender === 'matrix' && m.batch === row.batch)?.timing;
      if (row.samplesPerSecond !== undefined && matrix)
        row.relativeToMatrix = row.samplesPerSecond / matrix.samplesPerSecond;
    }
  }
  return { setup, results, pytorch };
}

function targets(results: CaseResult[]): Target[] {
  const sps = (id: string, batch: number): number | null =>
    results.find((r) => r.contender === id && r.batch === batch)?.timing?.samplesPerSecond ?? null;
  const ratio = (a: number | null, b: number | null): number | null => (a !== null && b !== null ? a / b : null);
  const target = (goal: string, value: number | null, threshold: number, atMost = false): Target => ({
    goal,
    value,
    threshold,
    met: value === null ? null : atMost ? value <= threshold : value >= threshold,
  });
  return [
    target('batch 1: matrix samples/s ÷ tfjs-wasm samples/s ≥ 8', ratio(sps('matrix', 1), sps('tfjs-wasm', 1)), 8),
    target('batch 1: matrix samples/s ÷ tfjs-cpu samples/s ≥ 20', ratio(sps('matrix', 1), sps('tfjs-cpu', 1)), 20),
    target(
      'batch 32: matrix samples/s ÷ tfjs-wasm samples/s ≥ 1 (stretch)',
      ratio(sps('matrix', 32), sps('tfjs-wasm', 32)),
      1,
    ),
    target(
      'batch 1: agents time per pattern ÷ matrix time per pattern ≤ 2',
      ratio(sps('matrix', 1), sps('agents', 1)),
      2,
      true,
    ),
    target(
      'batch 32: agents time per pattern ÷ matrix time per pattern ≤ 2',
      ratio(sps('matrix', 32), sps('agents', 32)),
      2,
      true,
    ),
    target('batch 1: agents samples/s ÷ synaptic samples/s ≥ 50', ratio(sps('agents', 1), sps('synaptic', 1)), 50),
  ];
}

const fmt = (v: number, digits = 3): string =>
  v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(digits);

function table(results: CaseResult[], tgs: Target[], mode: string, budget: Budget): string {
  const lines: string[] = [];
  lines.push(
    `median of ${budget.reps} repetitions after warm-up, contenders taking turns; ` +
      `wall clock (CPU time of the process in brackets)`,
  );
  lines.push('');
  const head = ['batch', 'contender', 'samples/s', '(cpu)', 'ms/pattern', '÷ matrix', 'first-step E', 'note'];
  const rows: string[][] = results.map((r) => {
    if (!r.timing)
      return [
        String(r.batch),
        r.label,
        r.status === 'missing' ? `missing: ${r.reason}` : r.status,
        '',
        '',
        '',
        '',
        r.note,
      ];
    const t = r.timing;
    return [
      String(r.batch),
      r.label,
      fmt(t.samplesPerSecond),
      `(${fmt(t.cpuSamplesPerSecond)})`,
      (1e3 / t.samplesPerSecond).toPrecision(3),
      `${(r.relativeToMatrix ?? NaN).toPrecision(3)}×`,
      t.firstStepLoss.toFixed(5),
      r.note,
    ];
  });
  const widths = head.map((h, k) => Math.max(h.length, ...rows.filter((r) => r[3] !== '').map((r) => r[k]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, k) => (k === 1 || k >= 6 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!)))
      .join('  ')
      .trimEnd();
  lines.push(line(head));
  for (const r of rows)
    lines.push(r[3] === '' ? `${r[0]!.padStart(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}` : line(r));
  lines.push('');
  lines.push(`targets (${mode} run; figures to report, not tests):`);
  for (const t of tgs) {
    const verdict = t.met === null ? 'n/a' : t.met ? 'met' : 'not met';
    lines.push(`  ${t.goal.padEnd(66)} ${t.value === null ? '—' : `${fmt(t.value)}×`.padStart(8)}  ${verdict}`);
  }
  return lines.join('\n');
}

function pytorchTable(rows: PyTorchRow[]): string {
  const lines = [
    'PyTorch, each case in a process of its own after the contenders above (median samples/s; ' +
      '÷ matrix at the same batch):',
  ];
  for (const r of rows) {
    const what =
      r.samplesPerSecond === undefined
        ? `${r.status}${r.reason ? `: ${r.reason}` : ''}`
        : `${fmt(r.samplesPerSecond)}  ${(r.relativeToMatrix ?? NaN).toPrecision(3)}×`;
    const check = r.check
      ? `  loss ${r.check.lossBefore.toFixed(4)} → ${r.check.lossAfter.toFixed(4)} on ${r.check.patterns}`
      : '';
    lines.push(
      `  batch ${String(r.batch).padStart(2)}  ${r.contender.padEnd(20)} ` +
        `${what}${check}${r.blas ? `  BLAS ${r.blas.join(', ') || 'none mapped'}` : ''}`,
    );
  }
  return lines.join('\n');
}

function scalingTable(s: ScalingResult): string {
  const lines = [`scaling sweep (${s.net}; median wall-clock time per pattern):`];
  const sizes = [...new Set(s.points.map((p) => p.synapses))];
  const engines = [...new Set(s.points.map((p) => p.engine))];
  lines.push(`  ${'net'.padEnd(14)} ${'synapses'.padStart(9)}  ${engines.map((e) => `${e} ms`.padStart(12)).join('')}`);
  for (const S of sizes) {
    const h = s.points.find((p) => p.synapses === S)!.hidden;
    const cells = engines.map((e) => {
      const p = s.points.find((q) => q.synapses === S && q.engine === e);
      return (p ? p.msPerPattern.toPrecision(3) : '—').padStart(12);
    });
    lines.push(`  ${`${h}-${h}-10`.padEnd(14)} ${S.toLocaleString('en-US').padStart(9)}  ${cells.join('')}`);
  }
  for (const f of s.fits)
    lines.push(
      `  ${f.engine}: slope of log(time) against log(synapses) = ${f.slope.toFixed(2)} over all ` +
        `${f.points} points, ${f.slopeLargerHalf.toFixed(2)} over the larger half`,
    );
  return lines.join('\n');
}

interface Options {
  modeName: 'quick' | 'full';
  /** --scaling: the sweep only. */
  scalingOnly: boolean;
  noScaling: boolean;
  only: string[] | null;
  out: string;
  hidden: number;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      scaling: { type: 'boolean', default: false },
      'no-scaling': { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string', default: 'results' },
      hidden: { type: 'string', default: '128' },
      threads: { type: 'string' },
    },
  });
  if (values.threads !== undefined) setThreads(Number(values.threads));
  const hidden = Number(values.hidden);
  if (!Number.isInteger(hidden) || hidden < 1)
    throw new Error(`--hidden: expected a positive integer, got ${values.hidden}`);
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : null;
  const unknown = only?.filter((id) => id !== 'pytorch' && !CONTENDERS.some((c) => c.id === id)) ?? [];
  if (unknown.length > 0)
    throw new Error(
      `--only: unknown contender ${unknown.join(', ')}; expected some of ${CONTENDERS.map((c) => c.id).join(', ')}`,
    );
  return {
    modeName: values.quick ? 'quick' : 'full',
    scalingOnly: values.scaling!,
    noScaling: values['no-scaling']!,
    only,
    out: values.out!,
    hidden,
  };
}

/** bench.json, and the chart as bench.vl.json, .svg and .png (a chart that fails to render is reported, not fatal). */
async function writeOutputs(
  out: string,
  report: { date: string; command: string; results: CaseResult[]; scaling: ScalingResult | null },
  machine: Machine,
): Promise<void> {
  writeFileAtomic(join(out, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  const chartRows = report.results
    .filter((r) => r.timing)
    .map((r) => ({ label: r.label, batch: r.batch, samplesPerSecond: r.timing!.samplesPerSecond }));
  const subtitle = [
    `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${report.date.slice(0, 10)}`,
    report.command,
  ];
  const spec = withChartConfig(benchChart(chartRows, report.scaling, subtitle));
  writeFileAtomic(join(out, 'bench.vl.json'), `${JSON.stringify(spec, null, 2)}\n`);
  try {
    const svg = await renderSvg(spec, 'bench');
    writeFileAtomic(join(out, 'bench.svg'), svg);
    writeFileAtomic(join(out, 'bench.png'), renderPng(svg).png);
  } catch (error) {
    log(`chart not rendered (${(error as Error).message}); the spec is in ${join(out, 'bench.vl.json')}`);
  }
}

async function main(): Promise<void> {
  const options = parseOptions();
  const mode = MODES[options.modeName];
  const started = Date.now();
  const machine = describeMachine();

  const contenders = options.scalingOnly ? null : await runContenders(mode, options.only, options.hidden);
  // The agents engine against the matrix engine at 64-32-10 and 784-128-10, with its message rates.
  let agents: AgentsBenchRow[] | null = null;
  if (!options.scalingOnly && !options.only) {
    log('agents engine: time per pattern and messages per second');
    agents = await runAgentsBench(options.modeName === 'quick' ? { patterns: 200, reps: 3 } : {});
  }
  let scaling: ScalingResult | null = null;
  if (!options.noScaling && (options.scalingOnly || !options.only)) {
    log('scaling sweep');
    scaling = await runScaling(mode.sweep.exponents, mode.sweep.budget, log, η);
  }

  const results = contenders?.results ?? [];
  const tgs = contenders ? targets(results) : [];
  const loadAtEnd = describeMachine().loadAverage;
  const argv = process.argv.slice(2);
  const report = {
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    date: new Date(started).toISOString(),
    seconds: Math.round((Date.now() - started) / 100) / 10,
    mode: options.scalingOnly ? 'scaling' : options.modeName,
    machine: { ...machine, loadAverageAtEnd: loadAtEnd },
    method: {
      timing:
        'each case warmed up, then R repetitions of N patterns with the cases taking turns; ' +
        'samples/s = N / median repetition time (wall clock); CPU time of the process recorded beside it',
      budget: mode.budget,
      note:
        'the machine is shared: other processes slow every contender, ' +
        'and the medians of interleaved repetitions keep the ratios fair',
    },
    net: contenders
      ? {
          spec: contenders.setup.spec,
          η,
          init: 'he-normal, seed "bench"',
          data: contenders.setup.data.source,
          patterns: contenders.setup.data.inputs.length,
        }
      : null,
    results,
    pytorch: contenders?.pytorch ?? null,
    targets: tgs,
    agents,
    scaling,
  };
  await writeOutputs(options.out, report, machine);

  const print = (s: string): void => void process.stdout.write(`${s}\n`);
  print('');
  if (contenders) {
    print(
      `Training 784-${options.hidden}-10 (relu, softmax cross-entropy) by SGD, η = ${η}, ` +
        `on ${contenders.setup.data.source}`,
    );
    print(table(results, tgs, report.mode, mode.budget));
    print('');
    if (contenders.pytorch) print(`${pytorchTable(contenders.pytorch)}\n`);
  }
  if (agents) print(`${formatAgentsBench(agents)}\n`);
  if (scaling) print(`${scalingTable(scaling)}\n`);
  print(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
      `${machine.platform}; load average ${machine.loadAverage[0]} at start, ${loadAtEnd[0]} at end`,
  );
  print(
    `written: ${join(options.out, 'bench.json')}, ${join(options.out, 'bench.vl.json')} (+ .svg, .png) ` +
      `in ${report.seconds} s`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
