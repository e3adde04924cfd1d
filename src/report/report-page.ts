/**
 * results/index.html: one self-contained page that works offline. The SVGs are inlined, the
 * styles are inline, nothing is fetched. It opens with a summary (the experiments' key claims with
 * their numbers), a reading order, a glossary and a table of contents, one line per section. A
 * section per experiment: description, its claims (a failing one in red), notes, the experiment's
 * custom HTML block (data-custom="<experiment>", e.g. the flow player, above the charts it
 * animates), charts (each in a container with data-chart="<experiment>/<chart>", made interactive
 * by interactive.ts), the headline table, and the commands that reproduce it.
 */
import { escapeHtml, formatCell } from './html.ts';
import { interactiveCharts } from './interactive.ts';
import type { DamagedResult, ExperimentSummary } from './summary.ts';

export interface ReportSection {
  summary: ExperimentSummary;
  /** Chart name → SVG document; a chart missing here is shown as missing. */
  svgs: Record<string, string>;
  /** Chart name → its Vega-Lite spec (the .vl.json), for the interactive chart. */
  specs?: Record<string, unknown>;
}

/** What to read first: the flow (what one neuron does) before the proof that it equals back-prop. */
export const READING_ORDER: readonly { name: string; why: string }[] = [
  { name: 'regression', why: 'the essay’s first diagram, learnt' },
  { name: 'flow', why: 'watch each neuron switch from carrying its activation to carrying its error' },
  { name: 'equivalence', why: 'the local scheme computes exactly what back-prop computes' },
  { name: 'classification', why: 'every rule and both engines on real digits' },
  { name: 'merged-bias', why: 'merged variables: the error as a change after a nudge' },
  { name: 'alignment', why: 'how far each local rule points from the gradient' },
  { name: 'fashion-mnist', why: 'a larger real data set' },
  { name: 'scaling', why: 'what locality costs in time' },
  { name: 'activations', why: 'the building blocks, checked' },
  { name: 'gradient-check', why: 'the essay’s warning about rectifiers, measured' },
  { name: 'convolution', why: 'the same scheme on a convolutional net' },
];

export const GLOSSARY: readonly [string, string][] = [
  [
    'local learning',
    'a weight changes only from what its two neurons hold: δw_ij = −η x_i Δz_j, ' +
      'with x_i the presynaptic activation and Δz_j the postsynaptic error.',
  ],
  [
    'weight transport',
    'back-prop sends the error back through the same weights Wᵀ that carried the activation forward; ' +
      'a synapse would have to know its own weight in both directions.',
  ],
  [
    'nudge',
    'a small push of the output towards the target, by β times the output error; ' +
      'the merged rule reads the error off the change it causes.',
  ],
  [
    'β',
    'the size of the nudge; the merged rule’s error tends to back-prop’s as β → 0 (slope 1 one-sided, 2 symmetric).',
  ],
  [
    'merged',
    'one state variable per neuron carries first the activation and then, after the nudge, the error, as its change.',
  ],
  [
    'predictive coding',
    'value and error nodes per neuron; the errors settle by local inference steps before the weights change.',
  ],
  [
    'Z-IL',
    'zero-divergence inference learning: a schedule of predictive coding’s inference steps that makes it ' +
      'equal back-prop exactly.',
  ],
  [
    'feedback alignment',
    'the error goes back through fixed random matrices B instead of Wᵀ; the forward weights come to align with B.',
  ],
  [
    'DFA',
    'direct feedback alignment: the output error goes straight to every hidden layer through fixed random matrices.',
  ],
  ['Δz', 'a neuron’s error at its input sum z: Δz_j = g′(z_j)·Δy_j, with Δy_j = Σ_k w_jk Δz_k from the layer above.'],
  ['η', 'the learning rate, the size of each step.'],
  ['tick', 'one synaptic hop of virtual time in the agents engine: layer l’s activation arrives at tick l.'],
];

const DEFAULT_SEED = '1';

const shellWord = (s: string): string => (/^[\w.,:/@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The two commands that reproduce a section: through the CLI, and the experiment file on its own. */
export function reproduceCommands(summary: Pick<ExperimentSummary, 'name' | 'file' | 'budget' | 'seed'>): string[] {
  const seed = shellWord(summary.seed);
  const standalone = [`npx tsx ${shellWord(summary.file)}`];
  if (summary.budget === 'full') standalone.push('--full');
  if (summary.seed !== DEFAULT_SEED) standalone.push(`--seed ${seed}`);
  // A user's own file (not experiments/NN-name.ts in a clone) runs by its path, through the installed CLI.
  const shipped = /^experiments\/\d{2}-/.test(summary.file);
  const path = /^(\.|\/)/.test(summary.file) ? summary.file : `./${summary.file}`;
  const run = shipped ? `npm run -s localprop -- run ${summary.name}` : `npx localprop run ${shellWord(path)}`;
  return [`${run} --${summary.budget} --seed ${seed}`, standalone.join(' ')];
}

function headlineTable(rows: ExperimentSummary['headline']): string {
  if (rows.length === 0) return '';
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  const numeric = (c: string): boolean =>
    rows.every((r) => r[c] === undefined || r[c] === null || typeof r[c] === 'number');
  const cell = (tag: string, c: string, text: string): string =>
    `<${tag}${numeric(c) ? ' class="num"' : ''}>${escapeHtml(text)}</${tag}>`;
  const head = columns.map((c) => cell('th', c, c)).join('');
  const body = rows
    .map((r) => `<tr>${columns.map((c) => cell('td', c, r[c] === undefined ? '' : formatCell(r[c]!))).join('')}</tr>`)
    .join('\n');
  return `<table class="headline"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function chartFigure(experiment: string, chart: string, svg: string | undefined): string {
  const key = `${experiment}/${chart}`;
  const links = ['vl.json', 'svg', 'png']
    .map((ext) => `<a href="${escapeHtml(`${experiment}/${chart}.${ext}`)}">${ext}</a>`)
    .join(' · ');
  const body =
    svg === undefined
      ? `<p class="missing">chart ${escapeHtml(chart)} is missing: re-run the experiment</p>`
      : `<div class="chart-body">${svg.replace(/^<\?xml[^>]*>\s*/, '')}</div>`;
  return (
    `<figure class="chart" data-chart="${escapeHtml(key)}">${body}<figcaption>${escapeHtml(chart)} <span ` +
    `class="files">${links}</span></figcaption></figure>`
  );
}

/** The claims, each with its numbers; a failing one is marked and red. */
function claimList(claims: ExperimentSummary['claims']): string {
  if (!claims || claims.length === 0) return '';
  const items = claims.map(
    (c) =>
      `<li class="claim ${c.holds ? 'holds' : 'fails'}" ` +
      `data-holds="${c.holds}">${c.holds ? '✓' : '✗ does not hold:'} ${escapeHtml(c.text)}</li>`,
  );
  return `<ul class="claims">${items.join('')}</ul>`;
}

/** One line for the table of contents: the description up to its first colon or full stop. */
export function shortTitle(description: string): string {
  const cut = description.search(/[:.](\s|$)/);
  const line = cut > 0 ? description.slice(0, cut) : description;
  return line.length > 90 ? `${line.slice(0, 88).replace(/\s+\S*$/, '')}…` : line;
}

function section({ summary: s, svgs }: ReportSection): string {
  const notes =
    s.notes.length === 0 ? '' : `<ul class="notes">${s.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`;
  const charts = s.charts.map((c) => chartFigure(s.name, c, svgs[c])).join('\n');
  const custom = s.html ? `<div class="custom" data-custom="${escapeHtml(s.name)}">\n${s.html}\n</div>` : '';
  const commands = reproduceCommands(s)
    .map((c) => `<pre><code>${escapeHtml(c)}</code></pre>`)
    .join('');
  const number = String(s.order).padStart(2, '0');
  return (
    `<section class="experiment" id="${escapeHtml(s.name)}" data-experiment="${escapeHtml(s.name)}">
<h2>${number} · ${escapeHtml(s.name)}</h2>
<p class="description">${escapeHtml(s.description)}</p>
${claimList(s.claims)}
${notes}
${custom}
<div class="charts">
${charts}
</div>
${headlineTable(s.headline)}
<details class="reproduce" open><summary>Reproduce (${escapeHtml(s.budget)} budget, ` +
    `seed ${escapeHtml(s.seed)}; <a ` +
    `href="${escapeHtml(s.name)}/data.json">data.json</a>)</summary>${commands}</details>
</section>`
  );
}

const STYLE =
  `
body { font-family: 'DejaVu Sans', Verdana, sans-serif; margin: 0 auto; max-width: 1200px; padding: ` +
  `1rem 1.5rem 3rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; border-top: 1px solid #ddd; padding-top: 1rem; margin-top: 2rem; }
nav ol { list-style: none; padding-left: 0.5rem; }
.summary { background: #f5f8fb; border-left: 3px solid #4c78a8; padding: 0.3rem 1rem; }
dl.glossary dt { font-weight: bold; float: left; clear: left; margin-right: 0.4rem; }
dl.glossary dd { margin: 0 0 0.2rem 0; }
ul.claims { list-style: none; padding-left: 0.2rem; }
li.claim.holds { color: #1f5130; }
li.claim.fails { color: #b00000; font-weight: bold; }
@media (max-width: 600px) { body { padding: 0.5rem; } h2 { font-size: 1.05rem; } }
.description { max-width: 60rem; }
.notes { color: #8a5a00; background: #fff8e6; border-left: 3px solid #e0a800; padding: 0.4rem 0.4rem 0.4rem 1.8rem; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
figure.chart { margin: 0; max-width: 100%; overflow-x: auto; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 0.8rem; color: #666; }
figcaption .files a { color: #888; }
table.headline { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
table.headline th, table.headline td { border-bottom: 1px solid #e4e4e4; padding: 0.2rem 0.7rem; text-align: left; }
table.headline .num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f6f6f6; padding: 0.4rem 0.6rem; margin: 0.3rem 0; overflow-x: auto; }
details.reproduce summary { cursor: pointer; color: #555; font-size: 0.9rem; }
.missing { color: #b00; }
`;

/** A results folder whose summary.json is damaged: named, with the reason and the command that rebuilds it. */
function damagedSection({ name, reason }: DamagedResult): string {
  return `<section class="experiment damaged" id="${escapeHtml(name)}" data-damaged="${escapeHtml(name)}">
<h2>${escapeHtml(name)} (damaged)</h2>
<p class="missing">The results in ${escapeHtml(name)}/ are damaged: ${escapeHtml(reason)}. Re-run them:</p>
<pre><code>${escapeHtml(`npm run -s localprop -- run ${name}`)}</code></pre>
</section>`;
}

/** The key findings: every section's key claims, in reading order, at most five. */
function keyFindings(sections: ReportSection[]): string {
  const rank = (name: string): number => {
    const k = READING_ORDER.findIndex((r) => r.name === name);
    return k < 0 ? READING_ORDER.length : k;
  };
  const found = [...sections]
    .sort((a, b) => rank(a.summary.name) - rank(b.summary.name))
    .flatMap(({ summary: s }) => (s.claims ?? []).filter((c) => c.key).map((c) => ({ name: s.name, claim: c })))
    .slice(0, 5);
  if (found.length === 0) return '';
  const items = found.map(
    ({ name, claim }) =>
      `<li class="claim ${claim.holds ? 'holds' : 'fails'}">` +
      `${claim.holds ? '' : '✗ does not hold: '}${escapeHtml(claim.text)} ` +
      `<a href="#${escapeHtml(name)}">(${escapeHtml(name)})</a></li>`,
  );
  return (
    `<section class="summary" id="summary"><h2 style="border:0;margin-top:0.5rem">Key ` +
    `findings</h2><p>Generated from the results below; each sentence is a claim checked against its ` +
    `data.</p><ol>${items.join('')}</ol></section>`
  );
}

function readingOrder(sections: ReportSection[]): string {
  const present = new Set(sections.map((s) => s.summary.name));
  const items = READING_ORDER.filter((r) => present.has(r.name)).map(
    (r) => `<li><a href="#${escapeHtml(r.name)}">${escapeHtml(r.name)}</a>: ${escapeHtml(r.why)}</li>`,
  );
  return items.length === 0
    ? ''
    : `<section id="reading-order"><h2>Reading order</h2><ol>${items.join('')}</ol></section>`;
}

function glossary(): string {
  const items = GLOSSARY.map(([term, text]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(text)}</dd>`);
  return `<section id="glossary"><h2>Glossary</h2><dl class="glossary">${items.join('')}</dl></section>`;
}

/** The whole page; damaged result folders get a section that says so. */
export function reportPage(
  sections: ReportSection[],
  title = 'localprop: experiments',
  damaged: DamagedResult[] = [],
): string {
  const toc = [
    ...sections.map(
      ({ summary: s }) =>
        `<li><a href="#${escapeHtml(s.name)}">${String(s.order).padStart(2, '0')} ${escapeHtml(s.name)}</a>: ` +
        `${escapeHtml(shortTitle(s.description))}</li>`,
    ),
    ...damaged.map(({ name }) => `<li><a href="#${escapeHtml(name)}">${escapeHtml(name)}</a>: damaged</li>`),
  ].join('\n');
  const specs: Record<string, unknown> = {};
  for (const { summary: s, specs: own } of sections)
    for (const [chart, spec] of Object.entries(own ?? {})) specs[`${s.name}/${chart}`] = spec;
  return (
    `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Back-propagation made local: a matrix engine, an agents engine (one RxJS agent per neuron) ` +
    `and local learning rules, measured against the essay “Understanding back-propagation”. ` +
    `Rebuild this page with <code>npm start</code> (all experiments, quick budget) ` +
    `or <code>npm run -s localprop -- report</code> (from the results on disk). ` +
    `Hover over a chart for its values.</p>
${keyFindings(sections)}
${readingOrder(sections)}
${glossary()}
<nav id="contents"><h2>Contents</h2><ol>
${toc}
</ol></nav>
${[...sections.map(section), ...damaged.map(damagedSection)].join('\n')}
${interactiveCharts(specs)}
</body>
</html>
`
  );
}
