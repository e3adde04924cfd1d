/**
 * The README's measured figures, written from the committed results by code, never by hand:
 *   <!-- bench:start --> … <!-- bench:end -->      from results/bench.json (npm run bench)
 *   <!-- fashion:start --> … <!-- fashion:end -->  from results/fashion-mnist/data.json (npm start)
 *   <!-- findings:start --> … <!-- findings:end --> the key claims of results/<experiment>/summary.json
 *   <!-- studies:start --> … <!-- studies:end -->  studies/results/<study>/summary.json (src/study/studies-readme.ts)
 * and the bench chart (results/bench.vl.json, .svg, .png) redrawn from bench.json with the report's
 * registry of colours and dashes.
 *
 *   npm run readme            rewrite README.md's marked sections and the bench chart
 *   npm run readme -- --check exit 1 if README.md is not what the results say
 *
 * Messages: the trace recorder makes the first layer's neurons send error messages that nothing
 * reads; they are not engine messages and are subtracted. No event object exists per synapse update
 * when nothing observes them, so the rate of synapse updates is synapses × patterns per second.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/core/write-atomic.ts';
import { withChartConfig } from '../src/report/chart-config.ts';
import { renderPng, renderSvg } from '../src/report/render.ts';
import { READING_ORDER } from '../src/report/report-page.ts';
import { benchChartOf } from './chart.ts';
import type { BenchJson, CaseResult, Target } from './results.ts';
import { studiesSection } from '../src/study/studies-readme.ts';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');

const fixed = (v: number, digits: number): string => v.toFixed(digits);
const significant = (v: number): string => String(Number(v.toPrecision(3)));
const thousands = (v: number): string => Math.round(v).toLocaleString('en-US');
const mega = (v: number): string => `${(v / 1e6).toFixed(v >= 1e7 ? 0 : 2)} M`;
/** Samples/s: whole numbers from 100 up, three significant digits below. */
const rate = (v: number): string => (v >= 100 ? thousands(v) : significant(v));

/** "3,887 (1×)", or what kept the case from being timed. */
function cell(r: CaseResult | undefined): string {
  if (!r) return '—';
  if (r.status === 'ok' && r.timing)
    return `${rate(r.timing.samplesPerSecond)} (${significant(r.relativeToMatrix ?? NaN)}×)`;
  return r.status === 'not supported' ? '—' : r.status;
}

function verdict(t: Target): string {
  if (t.value === null) return 'not measured';
  if (t.met === null) return 'reported';
  return t.met ? 'met' : '**not met**';
}

/** The bench section: the machine, every net's speeds, the cases not timed, the targets, agents, the sweep. */
export function benchSection(b: BenchJson): string {
  if (!Array.isArray(b.nets))
    return (
      'results/bench.json was written by an earlier version of the bench (without its `nets`): ' +
      'run `npm run bench`, then `npm run readme`.'
    );
  const m = b.machine;
  const blas = 'name' in m.blas ? `${m.blas.name} (\`${m.blas.paths.join('`, `')}\`)` : m.blas.missing;
  const torch = b.nets.flatMap((n) => n.results).find((r) => typeof r.details?.['torch'] === 'string');
  const lines = [
    `Measured with \`${b.command}\` on ${b.date.slice(0, 10)} (${Math.round(b.seconds / 60)} min): ${m.cpu}, ` +
      `${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}` +
      `${torch ? `, PyTorch ${torch.details!['torch']}` : ''}; BLAS found by PyTorch: ${blas}; ` +
      `load average ${m.loadAverage[0]} at the start, ${m.loadAverageAtEnd[0]} at the end.`,
  ];
  const mlps = b.nets.filter((n) => n.kind === 'mlp');
  if (mlps.length > 0) {
    const columns = mlps.flatMap((net) => net.batches.map((batch) => ({ net, batch })));
    const first = mlps[0]!;
    lines.push(
      '',
      `Samples/s training 784-H-10 (relu, softmax cross-entropy, SGD η = ${first.η}) ` +
        `on ${first.data}; in brackets, ÷ the matrix engine at its default threads. Median of each case's ` +
        `repetitions (${first.budget.reps} unless the case says otherwise in bench.json), the contenders taking turns.`,
      '',
      `| contender | ${columns.map((c) => `H = ${c.net.name.split('-')[1]}, batch ${c.batch}`).join(' | ')} |`,
      `|---|${columns.map(() => '---|').join('')}`,
    );
    const labels = [...new Set(mlps.flatMap((n) => n.results.map((r) => r.contender)))];
    for (const id of labels) {
      const label = mlps.flatMap((n) => n.results).find((r) => r.contender === id)!.label;
      const cells = columns.map((c) => cell(c.net.results.find((r) => r.contender === id && r.batch === c.batch)));
      lines.push(`| ${label} | ${cells.join(' | ')} |`);
    }
  }
  for (const net of b.nets.filter((n) => n.kind === 'conv')) {
    lines.push('', `${net.description}; ${net.data}. Training samples/s (÷ matrix):`, '');
    lines.push(`| contender | ${net.batches.map((B) => `batch ${B}`).join(' | ')} |`);
    lines.push(`|---|${net.batches.map(() => '---|').join('')}`);
    for (const id of [...new Set(net.results.map((r) => r.contender))]) {
      const rows = net.results.filter((r) => r.contender === id);
      lines.push(
        `| ${rows[0]!.label} | ${net.batches.map((B) => cell(rows.find((r) => r.batch === B))).join(' | ')} |`,
      );
    }
  }
  const all = b.nets.flatMap((n) => n.results.map((r) => ({ net: n, r })));
  const checked = all.filter(({ r }) => r.check);
  const passed = checked.filter(({ r }) => r.check!.passed);
  const notTimed = all.filter(({ r }) => r.status === 'failed check' || r.status === 'missing');
  if (all.length > 0) {
    lines.push(
      '',
      `Loss check before timing (mean loss over the first ${b.nets[0]!.checkPatterns} patterns, then again after one ` +
        `pass of training on them): ${passed.length} of ${checked.length} cases passed.` +
        (notTimed.length === 0 ? ' Every case was timed.' : ' Not timed:'),
    );
    for (const { net, r } of notTimed)
      lines.push(`- ${net.name}, ${r.label}, batch ${r.batch}: ${r.status}${r.reason ? ` (${r.reason})` : ''}`);
    const ownη = all.filter(({ r }) => r.η !== undefined && r.checkAtCommonη);
    if (ownη.length > 0) lines.push('', 'Checked and timed at their own η, having failed the check at the common one:');
    for (const { net, r } of ownη)
      lines.push(
        `- ${net.name}, ${r.label}, batch ${r.batch}: η = ${r.η} ` +
          `(at η = ${net.η}: ${r.checkAtCommonη!.reason ?? 'failed'}; at η = ${r.η}: mean loss ` +
          `${fixed(r.check!.lossBefore, 4)} → ${fixed(r.check!.lossAfter, 4)})`,
      );
  }
  if (b.targets.length > 0) {
    lines.push('', '| target | measured | verdict |', '|---|---|---|');
    for (const t of b.targets)
      lines.push(
        `| ${t.goal} | ${t.value === null ? '—' : `${significant(t.value)}${t.unit ? ` ${t.unit}` : '×'}`} | ` +
          `${verdict(t)} |`,
      );
    const one = b.targets.find((t) => t.goal.startsWith('H = 512, matrix engine on 1 thread, batch 1:'))?.value;
    const batched = b.targets.find((t) => t.goal.startsWith('H = 512, matrix engine on 1 thread, batch 32:'))?.value;
    if (typeof one === 'number' && typeof batched === 'number')
      lines.push(
        '',
        `One thread of the matrix engine computes ${significant(one)} GFLOP/s at batch 1 and ${significant(batched)} ` +
          `at batch 32 (H = 512; 2mn flops per layer for the forward pass, 2mn for the gradient, 2mn for the error ` +
          `pushed down): ${batched / one >= 1.25 ? `batch 32 is ${significant(batched / one)}× faster per thread` : 'about the same rate, since the one-pattern products run on weights resident in WebAssembly memory; batch 32 gains over batch 1 mainly what the second thread adds'}.`,
      );
  }
  if (b.agents && b.agents.length > 0) {
    lines.push(
      '',
      'The agents engine against the matrix engine (back-prop, B = 1, CPU time, median of repetitions). ' +
        'Engine messages are the',
      'neuron messages the engine sends per pattern (activations, nudges, errors pushed back); ' +
        'the trace recorder, which counts',
      'them, also makes the first layer send its errors, which nothing reads, and those are left out. ' +
        'No event object is made',
      'per synapse update when nothing observes them: the last column is synapses × patterns per second.',
      '',
      '| net | matrix µs/pattern | agents µs/pattern | agents ÷ matrix | engine messages/pattern | engine ' +
        'messages/s | synapse updates/s |',
      '|---|---|---|---|---|---|---|',
    );
    for (const a of b.agents) {
      const firstLayer = Number(a.net.split('-')[1]);
      const messages = a.neuronMessages - firstLayer;
      lines.push(
        `| ${a.net} (${a.data}) | ${fixed(a.matrixUs, 1)} | ${fixed(a.agentsUs, 1)} | ` +
          `${fixed(a.ratio, 2)}× | ${messages} | ${mega(messages / (a.agentsUs * 1e-6))} | ` +
          `${mega(a.synapseEventsPerSecond)} |`,
      );
    }
  }
  if (b.scaling && b.scaling.points.length > 0) {
    const s = b.scaling;
    const fits = s.fits
      .map(
        (f) =>
          `${f.engine} ${fixed(f.slope, 2)} over all ${f.points} points, ` +
          `${fixed(f.slopeLargerHalf, 2)} over the larger half`,
      )
      .join('; ');
    const ratios = [...new Set(s.points.map((p) => p.synapses))].map((S) => {
      const at = (engine: string): number =>
        s.points.find((p) => p.synapses === S && p.engine === engine)!.msPerPattern;
      return { S, ratio: at('agents') / at('matrix') };
    });
    const lo = ratios.reduce((x, y) => (y.ratio < x.ratio ? y : x));
    const hi = ratios.reduce((x, y) => (y.ratio > x.ratio ? y : x));
    lines.push(
      '',
      `Scaling sweep (${s.net}): slope of log(time per pattern) against log(synapses): ${fits}. ` +
        `Agents ÷ matrix time per pattern ranges from ${fixed(lo.ratio, 2)}× (${thousands(lo.S)} ` +
        `synapses) to ${fixed(hi.ratio, 2)}× (${thousands(hi.S)} synapses).`,
    );
  }
  return lines.join('\n');
}

interface FashionJson {
  missing?: string;
  budget: { agents: { train: number; test: number } };
  runs: { rule: string; engine: string; epochs: { testError: number }[] }[];
  agents: {
    train: number;
    test: number;
    agents: { testError?: number; epochs?: { testError: number }[] };
    matrix: { testError?: number; epochs?: { testError: number }[] };
    maxWeightDifference: number;
  };
  published: { rule: string; what: string; testError: number; source: string }[];
}

const pct = (e: number): string => String(Math.round(1e4 * e) / 100);
const lastError = (run: { testError?: number; epochs?: { testError: number }[] }): number =>
  run.epochs ? run.epochs[run.epochs.length - 1]!.testError : run.testError!;

/**
 * The Fashion-MNIST table: each rule's test error beside the published figure, the agents engine on its subset, people.
 */
export function fashionSection(f: FashionJson): string {
  if (f.missing !== undefined) return `Fashion-MNIST was not installed when the results were made: ${f.missing}`;
  const lines = [
    '| rule | engine | test error % | published test error % | source of the published figure |',
    '|---|---|---|---|---|',
  ];
  for (const r of f.runs) {
    const p = f.published.find((q) => q.rule === r.rule);
    lines.push(
      `| ${r.rule} | ${r.engine} | ${pct(r.epochs[r.epochs.length - 1]!.testError)} | ` +
        `${p ? pct(p.testError) : '—'} | ${p ? `${p.what}: ${p.source}` : 'none quoted'} |`,
    );
  }
  const a = f.agents;
  lines.push(
    `| backprop | agents (subset: ${a.train} train, ${a.test} test) ` +
      `| ${pct(lastError(a.agents))} | — | matrix engine on the same subset: ` +
      `test error ${pct(lastError(a.matrix))}%; max \\|w_agents − w_matrix\\| = ` +
      `${a.maxWeightDifference.toExponential(2)} |`,
  );
  const human = f.published.find((p) => p.rule === 'human');
  if (human) lines.push(`| human | — | — | ${pct(human.testError)} | ${human.what}: ${human.source} |`);
  return lines.join('\n');
}

/** The key findings: every experiment's key claims, as the report states them, in the report's reading order. */
export function findingsSection(resultsDir: string): string {
  const summaries = readdirSync(resultsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) =>
      readJson<{ name: string; claims?: { text: string; holds: boolean; key?: boolean }[] }>(
        join(resultsDir, e.name, 'summary.json'),
      ),
    )
    .filter((s): s is NonNullable<typeof s> => s !== null);
  const rank = (name: string): number => {
    const k = READING_ORDER.findIndex((r) => r.name === name);
    return k < 0 ? READING_ORDER.length : k;
  };
  const lines = summaries
    .sort((a, b) => rank(a.name) - rank(b.name))
    .flatMap((s) =>
      (s.claims ?? [])
        .filter((c) => c.key)
        .map((c) => `- ${c.holds ? '' : '**Does not hold:** '}${c.text} (\`${s.name}\`)`),
    );
  return lines.join('\n');
}

/** README with the text between `<!-- name:start -->` and `<!-- name:end -->` replaced. */
export function replaceSection(readme: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = readme.indexOf(start);
  const b = readme.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README.md has no ${start} … ${end} section`);
  return `${readme.slice(0, a + start.length)}\n${body}\n${readme.slice(b)}`;
}

const readJson = <T>(path: string): T | null =>
  existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : null;

/** README.md as the committed results say it should be. */
export function expectedReadme(root = ROOT): string {
  let readme = readFileSync(join(root, 'README.md'), 'utf8');
  const bench = readJson<BenchJson>(join(root, 'results', 'bench.json'));
  if (bench) readme = replaceSection(readme, 'bench', benchSection(bench));
  const fashion = readJson<FashionJson>(join(root, 'results', 'fashion-mnist', 'data.json'));
  if (fashion) readme = replaceSection(readme, 'fashion', fashionSection(fashion));
  readme = replaceSection(readme, 'findings', findingsSection(join(root, 'results')));
  readme = replaceSection(readme, 'studies', studiesSection(join(root, 'studies', 'results')));
  return readme;
}

/** Redraw results/bench.{vl.json,svg,png} from bench.json. */
async function redrawBenchChart(root = ROOT): Promise<void> {
  const b = readJson<BenchJson>(join(root, 'results', 'bench.json'));
  if (!b || !Array.isArray(b.nets)) return;
  const spec = withChartConfig(benchChartOf(b));
  writeFileAtomic(join(root, 'results', 'bench.vl.json'), `${JSON.stringify(spec, null, 2)}\n`);
  const svg = await renderSvg(spec, 'bench');
  writeFileAtomic(join(root, 'results', 'bench.svg'), svg);
  writeFileAtomic(join(root, 'results', 'bench.png'), renderPng(svg).png);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const current = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const expected = expectedReadme();
  if (process.argv.includes('--check')) {
    if (current !== expected) {
      process.stderr.write('README.md: its measured sections differ from results/; run `npm run readme`\n');
      process.exitCode = 1;
    }
  } else {
    if (current !== expected) writeFileAtomic(join(ROOT, 'README.md'), expected);
    await redrawBenchChart();
    process.stdout.write('README.md and results/bench chart written from results/\n');
  }
}
