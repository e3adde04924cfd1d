/**
 * results/index.html: one self-contained page that works offline. The SVGs are inlined, the
 * styles are inline, nothing is fetched. A section per experiment: description, notes, charts
 * (each in a container with data-chart="<experiment>/<chart>"), the headline table, the
 * experiment's custom HTML block (data-custom="<experiment>"), and the commands that reproduce it.
 */
import { escapeHtml, formatCell } from './html.ts';
import type { DamagedResult, ExperimentSummary } from './summary.ts';

export interface ReportSection {
  summary: ExperimentSummary;
  /** Chart name → SVG document; a chart missing here is shown as missing. */
  svgs: Record<string, string>;
}

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
  const numeric = (c: string): boolean => rows.every((r) => r[c] === undefined || r[c] === null || typeof r[c] === 'number');
  const cell = (tag: string, c: string, text: string): string => `<${tag}${numeric(c) ? ' class="num"' : ''}>${escapeHtml(text)}</${tag}>`;
  const head = columns.map((c) => cell('th', c, c)).join('');
  const body = rows.map((r) => `<tr>${columns.map((c) => cell('td', c, r[c] === undefined ? '' : formatCell(r[c]!))).join('')}</tr>`).join('\n');
  return `<table class="headline"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function chartFigure(experiment: string, chart: string, svg: string | undefined): string {
  const key = `${experiment}/${chart}`;
  const links = ['vl.json', 'svg', 'png'].map((ext) => `<a href="${escapeHtml(`${experiment}/${chart}.${ext}`)}">${ext}</a>`).join(' · ');
  const body = svg === undefined ? `<p class="missing">chart ${escapeHtml(chart)} is missing: re-run the experiment</p>` : svg.replace(/^<\?xml[^>]*>\s*/, '');
  return `<figure class="chart" data-chart="${escapeHtml(key)}">${body}<figcaption>${escapeHtml(chart)} <span class="files">${links}</span></figcaption></figure>`;
}

function section({ summary: s, svgs }: ReportSection): string {
  const notes = s.notes.length === 0 ? '' : `<ul class="notes">${s.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`;
  const charts = s.charts.map((c) => chartFigure(s.name, c, svgs[c])).join('\n');
  const custom = s.html ? `<div class="custom" data-custom="${escapeHtml(s.name)}">\n${s.html}\n</div>` : '';
  const commands = reproduceCommands(s).map((c) => `<pre><code>${escapeHtml(c)}</code></pre>`).join('');
  const number = String(s.order).padStart(2, '0');
  return `<section class="experiment" id="${escapeHtml(s.name)}" data-experiment="${escapeHtml(s.name)}">
<h2>${number} · ${escapeHtml(s.name)}</h2>
<p class="description">${escapeHtml(s.description)}</p>
${notes}
<div class="charts">
${charts}
</div>
${custom}
${headlineTable(s.headline)}
<details class="reproduce" open><summary>Reproduce (${escapeHtml(s.budget)} budget, seed ${escapeHtml(s.seed)}; <a href="${escapeHtml(s.name)}/data.json">data.json</a>)</summary>${commands}</details>
</section>`;
}

const STYLE = `
body { font-family: 'DejaVu Sans', Verdana, sans-serif; margin: 0 auto; max-width: 1200px; padding: 1rem 1.5rem 3rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; border-top: 1px solid #ddd; padding-top: 1rem; margin-top: 2rem; }
nav ol { columns: 2; padding-left: 1.5rem; }
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

/** The whole page; damaged result folders get a section that says so. */
export function reportPage(sections: ReportSection[], title = 'localprop: experiments', damaged: DamagedResult[] = []): string {
  const toc = [
    ...sections.map(({ summary: s }) => `<li><a href="#${escapeHtml(s.name)}">${escapeHtml(s.name)}</a>: ${escapeHtml(s.description)}</li>`),
    ...damaged.map(({ name }) => `<li><a href="#${escapeHtml(name)}">${escapeHtml(name)}</a>: damaged</li>`),
  ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Back-propagation made local: a matrix engine, an agents engine (one RxJS agent per neuron) and local learning rules, measured against the essay “Understanding back-propagation”. Rebuild this page with <code>npm start</code> (all experiments, quick budget) or <code>npm run -s localprop -- report</code> (from the results on disk).</p>
<nav><ol>
${toc}
</ol></nav>
${[...sections.map(section), ...damaged.map(damagedSection)].join('\n')}
</body>
</html>
`;
}
