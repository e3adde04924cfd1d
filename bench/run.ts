/**
 * `npm run bench`: every contender trains the same nets from the same initial weights on the same
 * patterns by SGD at the same η (w ← w − η · (1/B) Σ_p ∂E_p/∂w), each in a process of its own,
 * all in ONE run:
 *   784-H-10 MLPs (relu hidden layer, softmax cross-entropy) at H = 128 and H = 512, batch 1 and 32:
 *     localprop's matrix engine (default threads, and 1 thread), localprop's agents engine,
 *     TensorFlow.js (cpu backend, wasm backend), synaptic (batch 1 only; synaptic-contender.ts) and
 *     PyTorch (float64 and float32, 1 and 2 threads) when `python3 -c "import torch"` works;
 *   the LeNet of studies/nets/lenet-32.net.json on 32×32 inputs, batch 64: the matrix engine,
 *     tfjs-wasm and PyTorch.
 * Each case first passes the loss check (loss-check.ts: the loss over the first 256 patterns falls
 * after one pass over them; a case that fails it is not timed), is warmed up, then timed over R
 * repetitions, the processes taking turns; the figure is the median repetition. Then the agents
 * engine against the matrix engine with its message rates (agents.ts), and a scaling sweep
 * (scaling.ts). The targets (targets.ts) are computed from the figures.
 *
 *   npm run bench                       full run (about 10 minutes)
 *   npm run bench -- --quick            shorter warm-up and repetitions, 512 patterns, fewer sweep points
 *   npm run bench -- --scaling          the scaling sweep only
 *   npm run bench -- --no-scaling       no sweep
 *   npm run bench -- --no-conv          no LeNet
 *   npm run bench -- --only matrix,tfjs-wasm   some contenders, no agents bench and no sweep
 *                                       (ids: matrix, matrix-1t, agents, tfjs-cpu, tfjs-wasm, synaptic, pytorch)
 *   npm run bench -- --out DIR          write DIR/bench.json, .vl.json, .svg, .png (default results/)
 *   npm run bench -- --hidden 512       the MLPs' hidden sizes (comma-separated; default 128,512)
 *   npm run bench -- --threads N        the matrix engine's default threads (default: the cores)
 *
 * The tables go to stdout, progress to stderr. Speed is never asserted: these are figures.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRandom } from '../src/core/random.ts';
import { writeFileAtomic } from '../src/core/write-atomic.ts';
import { availableParallelism } from 'node:os';
import { initParams } from '../src/nn/params.ts';
import { parseNetSpec, type NetSpec } from '../src/nn/spec.ts';
import { withChartConfig } from '../src/report/chart-config.ts';
import { renderPng, renderSvg } from '../src/report/render.ts';
import { median } from '../src/report/stats.ts';
import type { Budget } from '../experiments/shared/timing.ts';
import { formatAgentsBench, runAgentsBench, type AgentsBenchRow } from './agents.ts';
import { writeBenchFiles } from './bench-files.ts';
import { benchChartOf } from './chart.ts';
import type { BenchSetup } from './contender.ts';
import { loadBenchData, loadPaddedImages } from './fashion-mnist.ts';
import { describeMachine } from './machine.ts';
import { ContenderProcess, nodeRuntime, pythonRuntime } from './process-contender.ts';
import type { ContenderJob } from './protocol.ts';
import { blasName, findPyTorch } from './pytorch-contender.ts';
import type { BenchJson, CaseResult, NetResult } from './results.ts';
import { runScaling, type ScalingResult } from './scaling.ts';
import { computeTargets } from './targets.ts';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const η = 0.01;
const MLP_BATCHES = [1, 32];
const CONV_BATCH = 64;
const CHECK_PATTERNS = 256;
const JS_CONTENDERS = ['matrix', 'matrix-1t', 'agents', 'tfjs-cpu', 'tfjs-wasm', 'synaptic'];

const MODES = {
  full: {
    patterns: 2048,
    budget: { warmupSeconds: 1, repSeconds: 0.8, reps: 7 },
    sweep: { exponents: [3, 3.5, 4, 4.5, 5, 5.5, 6], budget: { warmupSeconds: 0.3, repSeconds: 0.4, reps: 7 } },
  },
  quick: {
    patterns: 512,
    budget: { warmupSeconds: 0.3, repSeconds: 0.2, reps: 3 },
    sweep: { exponents: [3, 4, 5, 6], budget: { warmupSeconds: 0.1, repSeconds: 0.1, reps: 3 } },
  },
} satisfies Record<string, { patterns: number; budget: Budget; sweep: { exponents: number[]; budget: Budget } }>;

/** One process: a contender at a thread count (and PyTorch at a dtype). */
interface Entry {
  id: string;
  label: string;
  contender: string;
  threads: number;
  dtype?: 'float32' | 'float64';
}

function entries(kind: 'mlp' | 'conv', defaultThreads: number): Entry[] {
  const js: Entry[] = [
    {
      id: 'matrix',
      label: `localprop matrix (${defaultThreads} threads)`,
      contender: 'matrix',
      threads: defaultThreads,
    },
    { id: 'matrix-1t', label: 'localprop matrix (1 thread)', contender: 'matrix', threads: 1 },
    { id: 'agents', label: 'localprop agents', contender: 'agents', threads: 1 },
    { id: 'tfjs-cpu', label: 'tfjs cpu', contender: 'tfjs-cpu', threads: 1 },
    { id: 'tfjs-wasm', label: 'tfjs wasm', contender: 'tfjs-wasm', threads: 1 },
    { id: 'synaptic', label: 'synaptic (optimised)', contender: 'synaptic', threads: 1 },
  ];
  const torch = (['float64', 'float32'] as const).flatMap((dtype) =>
    [1, 2].map(
      (threads): Entry => ({
        id: `pytorch-${dtype}-${threads}t`,
        label: `PyTorch ${dtype} (${threads} thread${threads > 1 ? 's' : ''})`,
        contender: 'pytorch',
        threads,
        dtype,
      }),
    ),
  );
  const conv = new Set(['matrix', 'matrix-1t', 'tfjs-wasm']);
  return [...js.filter((e) => kind === 'mlp' || conv.has(e.id)), ...torch];
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Build, check and warm up every entry in its own process, then time them taking turns. */
async function runNet(
  net: Omit<NetResult, 'results'>,
  setup: BenchSetup,
  list: Entry[],
  torch: { python: string } | { missing: string },
): Promise<NetResult> {
  const dir = mkdtempSync(join(tmpdir(), 'localprop-bench-'));
  const results: CaseResult[] = [];
  const timed: {
    proc: ContenderProcess;
    k: number;
    result: CaseResult;
    patterns: number;
    wall: number[];
    cpu: number[];
    E: number;
  }[] = [];
  const procs: ContenderProcess[] = [];
  try {
    const files = writeBenchFiles(setup, dir, net.name);
    for (const entry of list) {
      const base = { contender: entry.id, label: entry.label, threads: entry.threads, note: '', written: '' };
      const missing = (reason: string): void => {
        for (const batch of net.batches) results.push({ ...base, batch, status: 'missing', reason });
        log(`${net.name}: ${entry.label}: missing — ${reason}`);
      };
      if (entry.contender === 'pytorch' && 'missing' in torch) {
        missing(torch.missing);
        continue;
      }
      log(`${net.name}: ${entry.label}: building, checking the loss, warming up (a process of its own)`);
      const job: ContenderJob = {
        contender: entry.contender,
        files,
        batches: net.batches,
        threads: entry.threads,
        ...(entry.dtype ? { dtype: entry.dtype } : {}),
        checkPatterns: net.checkPatterns,
        budget: net.budget,
      };
      const runtime = entry.contender === 'pytorch' ? pythonRuntime((torch as { python: string }).python) : nodeRuntime;
      try {
        const { process: proc, ready } = await ContenderProcess.start(runtime, job, entry.id, log);
        procs.push(proc);
        ready.cases.forEach((c, k) => {
          const result: CaseResult = {
            ...base,
            batch: c.batch,
            status: c.status,
            note: ready.note,
            written: ready.written,
            ...(c.reason ? { reason: c.reason } : {}),
            ...(c.check ? { check: c.check } : {}),
            ...(c.η !== undefined && c.η !== setup.η ? { η: c.η, checkAtCommonη: c.checkAtCommonη! } : {}),
          };
          if (ready.details || c.details) result.details = { ...ready.details, ...c.details };
          results.push(result);
          if (c.status === 'ok') timed.push({ proc, k, result, patterns: c.patterns!, wall: [], cpu: [], E: NaN });
          else log(`${net.name}: ${entry.label}, batch ${c.batch}: ${c.status}${c.reason ? ` — ${c.reason}` : ''}`);
        });
      } catch (error) {
        missing((error as Error).message);
      }
    }
    for (let r = 0; r < net.budget.reps; r++) {
      log(`${net.name}: repetition ${r + 1} of ${net.budget.reps}`);
      for (const t of timed) {
        if (t.result.status !== 'ok') continue;
        try {
          const rep = await t.proc.repetition(t.k);
          t.wall.push(rep.wall);
          t.cpu.push(rep.cpu);
          t.E = rep.E;
        } catch (error) {
          Object.assign(t.result, { status: 'missing', reason: (error as Error).message });
          log(`${net.name}: ${t.result.label}, batch ${t.result.batch}: ${(error as Error).message}`);
        }
      }
    }
  } finally {
    await Promise.all(procs.map((p) => p.close()));
    rmSync(dir, { recursive: true, force: true });
  }
  for (const t of timed.filter((c) => c.result.status === 'ok')) {
    const { patterns } = t;
    t.result.reps = t.wall.length;
    t.result.timing = {
      patterns,
      wall: t.wall,
      cpu: t.cpu,
      samplesPerSecond: patterns / median(t.wall),
      cpuSamplesPerSecond: patterns / median(t.cpu),
      lastRepLoss: t.E / patterns,
    };
  }
  for (const r of results) {
    const matrix = results.find((m) => m.contender === 'matrix' && m.batch === r.batch)?.timing;
    if (r.timing && matrix) r.relativeToMatrix = r.timing.samplesPerSecond / matrix.samplesPerSecond;
  }
  return { ...net, results };
}

const fmt = (v: number, digits = 3): string =>
  v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(digits);

function netTable(net: NetResult): string {
  const lines = [`${net.name}: ${net.description}; ${net.data}`];
  const head = [
    'batch',
    'contender',
    'samples/s',
    '(cpu)',
    '÷ matrix',
    'reps',
    `loss check (${net.checkPatterns} patterns)`,
    'note',
  ];
  const rows = net.results.map((r) => {
    const check = r.check ? `${r.check.lossBefore.toFixed(4)} → ${r.check.lossAfter.toFixed(4)}` : '';
    if (!r.timing)
      return [String(r.batch), r.label, `${r.status}${r.reason ? `: ${r.reason}` : ''}`, '', '', '', check, ''];
    return [
      String(r.batch),
      r.label,
      fmt(r.timing.samplesPerSecond),
      `(${fmt(r.timing.cpuSamplesPerSecond)})`,
      `${(r.relativeToMatrix ?? NaN).toPrecision(3)}×`,
      String(r.reps),
      check,
      `${r.note}${r.η !== undefined ? `; η = ${r.η} (at ${net.η}: ${r.checkAtCommonη?.reason})` : ''}`,
    ];
  });
  const timedRows = rows.filter((r) => r[3] !== '');
  const widths = head.map((h, k) => Math.max(h.length, ...timedRows.map((r) => r[k]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, k) => (k === 1 || k >= 6 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!)))
      .join('  ')
      .trimEnd();
  lines.push(line(head));
  for (const r of rows)
    lines.push(r[3] === '' ? `${r[0]!.padStart(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}` : line(r));
  return lines.join('\n');
}

function targetsTable(report: BenchJson): string {
  const lines = [`targets (${report.mode} run; figures to report, not tests):`];
  for (const t of report.targets) {
    const verdict = t.value === null ? 'not measured' : t.met === null ? 'reported' : t.met ? 'met' : 'not met';
    lines.push(`  ${t.goal.padEnd(92)} ${t.value === null ? '—' : `${fmt(t.value)}×`.padStart(8)}  ${verdict}`);
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
  scalingOnly: boolean;
  noScaling: boolean;
  noConv: boolean;
  only: string[] | null;
  out: string;
  hidden: number[];
  threads: number;
}

/** Bad options: one line on stderr, exit 2, nothing run or written. */
function badOption(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function parsedArgs() {
  try {
    return parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        scaling: { type: 'boolean', default: false },
        'no-scaling': { type: 'boolean', default: false },
        'no-conv': { type: 'boolean', default: false },
        only: { type: 'string' },
        out: { type: 'string', default: 'results' },
        hidden: { type: 'string', default: '128,512' },
        threads: { type: 'string' },
      },
    });
  } catch (error) {
    return badOption((error as Error).message);
  }
}

function parseOptions(): Options {
  const { values } = parsedArgs();
  const hidden = values.hidden!.split(',').map((h) => Number(h.trim()));
  if (hidden.some((h) => !Number.isInteger(h) || h < 1))
    badOption(`--hidden: expected positive integers separated by commas, got ${values.hidden}`);
  const threads = values.threads === undefined ? availableParallelism() : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1)
    badOption(`--threads: expected a positive integer, got ${values.threads}`);
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : null;
  const unknown = only?.filter((id) => id !== 'pytorch' && !JS_CONTENDERS.includes(id)) ?? [];
  if (unknown.length > 0)
    badOption(
      `--only: unknown contender ${unknown.join(', ')}; expected some of ${[...JS_CONTENDERS, 'pytorch'].join(', ')}`,
    );
  return {
    modeName: values.quick ? 'quick' : 'full',
    scalingOnly: values.scaling!,
    noScaling: values['no-scaling']!,
    noConv: values['no-conv']!,
    only,
    out: values.out!,
    hidden,
    threads,
  };
}

/** bench.json, and the chart as bench.vl.json, .svg and .png (a chart that fails to render is reported, not fatal). */
async function writeOutputs(out: string, report: BenchJson): Promise<void> {
  writeFileAtomic(join(out, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  const spec = withChartConfig(benchChartOf(report));
  writeFileAtomic(join(out, 'bench.vl.json'), `${JSON.stringify(spec, null, 2)}\n`);
  try {
    const svg = await renderSvg(spec, 'bench');
    writeFileAtomic(join(out, 'bench.svg'), svg);
    writeFileAtomic(join(out, 'bench.png'), renderPng(svg).png);
  } catch (error) {
    log(`chart not rendered (${(error as Error).message}); the spec is in ${join(out, 'bench.vl.json')}`);
  }
}

const mlpSpec = (hidden: number): NetSpec =>
  parseNetSpec({
    input: [784],
    layers: [
      { type: 'dense', units: hidden, activation: 'relu' },
      { type: 'dense', units: 10, activation: 'identity' },
    ],
    loss: 'softmax-cross-entropy',
  });

async function main(): Promise<void> {
  const options = parseOptions();
  const mode = MODES[options.modeName];
  const started = Date.now();
  const machine = describeMachine();
  const torch = findPyTorch();
  const nets: NetResult[] = [];
  if (!options.scalingOnly) {
    const keep = (e: Entry): boolean =>
      !options.only || options.only.includes(e.id) || (e.contender === 'pytorch' && options.only.includes('pytorch'));
    const data = loadBenchData(mode.patterns);
    log(`data: ${data.source}`);
    for (const hidden of options.hidden) {
      const spec = mlpSpec(hidden);
      const setup: BenchSetup = { spec, params: initParams(spec, createRandom('bench')), data, η };
      const net = {
        name: `784-${hidden}-10`,
        kind: 'mlp' as const,
        description:
          `784-${hidden}-10 MLP, relu hidden layer, softmax cross-entropy, SGD η = ${η}, ` +
          'he-normal init (seed "bench")',
        η,
        spec: JSON.parse(JSON.stringify(mlpSpec(hidden))),
        data: data.source,
        patterns: data.inputs.length,
        batches: MLP_BATCHES,
        checkPatterns: CHECK_PATTERNS,
        budget: mode.budget,
      };
      nets.push(await runNet(net, setup, entries('mlp', options.threads).filter(keep), torch));
    }
    if (!options.noConv) {
      const path = join(ROOT, 'studies', 'nets', 'lenet-32.net.json');
      const spec = parseNetSpec(JSON.parse(readFileSync(path, 'utf8')), path);
      const images = loadPaddedImages(mode.patterns);
      const setup: BenchSetup = { spec, params: initParams(spec, createRandom('bench')), data: images, η };
      const net = {
        name: 'lenet-32',
        kind: 'conv' as const,
        description:
          `LeNet (studies/nets/lenet-32.net.json) on 1×32×32 inputs, softmax cross-entropy, ` +
          `SGD η = ${η}, batch ${CONV_BATCH}`,
        η,
        spec: JSON.parse(readFileSync(path, 'utf8')),
        data: images.source,
        patterns: images.inputs.length,
        batches: [CONV_BATCH],
        checkPatterns: CHECK_PATTERNS,
        budget: mode.budget,
      };
      const list = entries('conv', options.threads).filter(keep);
      if (list.length > 0) nets.push(await runNet(net, setup, list, torch));
    }
  }
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

  const blasPaths = nets
    .flatMap((n) => n.results)
    .find((r) => r.contender.startsWith('pytorch') && Array.isArray(r.details?.['blas']))?.details?.['blas'] as
    | string[]
    | undefined;
  const argv = process.argv.slice(2);
  const report: BenchJson = {
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    date: new Date(started).toISOString(),
    seconds: Math.round((Date.now() - started) / 100) / 10,
    mode: options.scalingOnly ? 'scaling' : options.modeName,
    machine: {
      ...machine,
      loadAverageAtEnd: describeMachine().loadAverage,
      blas: blasPaths
        ? { name: blasName(blasPaths), paths: blasPaths }
        : { missing: 'missing' in torch ? `PyTorch missing: ${torch.missing}` : 'PyTorch was not run' },
    },
    method: {
      processes:
        'every contender runs in a process of its own (a child process speaking bench/protocol.ts), ' +
        'so that no heap slows another; PyTorch with its dtype and threads per process',
      check:
        `before a case is timed: mean loss over the first ${CHECK_PATTERNS} patterns, one pass of training over ` +
        'them, mean loss again; a case whose loss is not finite or did not fall is not timed (its check is recorded)',
      timing:
        'each case warmed up, then R repetitions of N patterns with the processes taking turns; ' +
        'samples/s = N / median repetition time (wall clock); CPU time of its process recorded beside it',
      budget: mode.budget,
      note:
        'the machine is shared: other processes slow every contender, ' +
        'and the medians of interleaved repetitions keep the ratios fair',
    },
    nets,
    targets: options.scalingOnly ? [] : computeTargets(nets),
    agents,
    scaling,
  };
  await writeOutputs(options.out, report);

  const print = (s: string): void => void process.stdout.write(`${s}\n`);
  print('');
  for (const net of nets) print(`${netTable(net)}\n`);
  if (report.targets.length > 0) print(`${targetsTable(report)}\n`);
  if (agents) print(`${formatAgentsBench(agents)}\n`);
  if (scaling) print(`${scalingTable(scaling)}\n`);
  const blas = report.machine.blas;
  print(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
      `${machine.platform}; ` +
      `BLAS (PyTorch): ${'name' in blas ? `${blas.name} (${blas.paths.join(', ')})` : blas.missing}; ` +
      `load average ${machine.loadAverage[0]} at start, ${report.machine.loadAverageAtEnd[0]} at end`,
  );
  print(
    `written: ${join(options.out, 'bench.json')}, ${join(options.out, 'bench.vl.json')} (+ .svg, .png) ` +
      `in ${report.seconds} s`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  main().catch((error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
