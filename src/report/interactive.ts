/**
 * The charts made interactive in the offline page: vega and vega-lite, imported as ES modules and
 * bundled by esbuild into one inline <script type="module"> (nothing is fetched), compile each
 * chart's Vega-Lite spec in the browser and replace its static SVG with a live vega View that shows
 * a tooltip on hover. The static SVG stays in the page until then (and for the README, as files).
 * Each container gets data-interactive="yes" once its view is drawn, and data-tooltip="yes" once it has the
 * tooltip handler; the views are window.localpropViews["<experiment>/<chart>"], the handler window.localpropTooltip.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { jsonForScript } from './html.ts';

let bundle: string | null = null;

const ENTRY =
  `
import { View, parse } from 'vega';
import { compile } from 'vega-lite';
const specs = JSON.parse(document.getElementById('chart-specs').textContent);
const tip = document.createElement('div');
tip.className = 'chart-tooltip';
tip.style.cssText = 'position:fixed;display:none;pointer-events:none;background:#fff;border:1px solid ` +
  `#999;padding:3px 6px;font-size:12px;z-index:10;max-width:320px';
document.body.appendChild(tip);
function tooltip(handler, event, item, value) {
  if (value === undefined || value === null || value === '') { tip.style.display = 'none'; return; }
  const entries = typeof value === 'object' ? Object.entries(value) : [['', value]];
  tip.textContent = '';
  for (const [k, v] of entries) {
    const line = document.createElement('div');
    line.textContent = k ? k + ': ' + (typeof v === 'number' ? +v.toPrecision(4) : v) : String(v);
    tip.appendChild(line);
  }
  tip.style.left = Math.min(event.clientX + 12, window.innerWidth - 330) + 'px';
  tip.style.top = event.clientY + 12 + 'px';
  tip.style.display = 'block';
}
window.localpropViews = {};
window.localpropTooltip = tooltip;
for (const figure of document.querySelectorAll('figure.chart[data-chart]')) {
  const key = figure.getAttribute('data-chart');
  const spec = specs[key];
  const holder = figure.querySelector('.chart-body');
  if (!spec || !holder) continue;
  try {
    const view = new View(parse(compile(spec).spec), { renderer: 'svg', container: null, hover: true });
    view.tooltip(tooltip);
    const el = document.createElement('div');
    el.className = 'chart-live';
    view.initialize(el);
    await view.runAsync();
    holder.replaceWith(el);
    window.localpropViews[key] = view;
    figure.setAttribute('data-interactive', 'yes');
    figure.setAttribute('data-tooltip', view.tooltip() === tooltip ? 'yes' : 'no');
  } catch (e) {
    figure.setAttribute('data-interactive', 'failed: ' + (e && e.message));
  }
}
document.body.setAttribute('data-charts-ready', 'yes');
document.dispatchEvent(new Event('localprop-charts-ready'));
`;

/** The bundled script (built once per process, about a second). */
function vegaBundle(): string {
  if (bundle !== null) return bundle;
  const require = createRequire(import.meta.url);
  const { buildSync } = require('esbuild') as typeof import('esbuild');
  // Resolve vega and vega-lite from the package root, as Node does for this file.
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const result = buildSync({
    stdin: { contents: ENTRY, resolveDir: root, loader: 'js' },
    bundle: true,
    format: 'esm',
    minify: true,
    platform: 'browser',
    target: 'es2022',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  bundle = result.outputFiles[0]!.text;
  return bundle;
}

/**
 * The specs as JSON and the module script that draws them; `specs` maps "<experiment>/<chart>" to its Vega-Lite spec.
 */
export function interactiveCharts(specs: Record<string, unknown>): string {
  if (Object.keys(specs).length === 0) return '';
  // "</script" cannot occur in a minified bundle's code except inside strings; escape it anyway.
  const code = vegaBundle().replace(/<\/script/gi, '<\\/script');
  return (
    `<script type="application/json" id="chart-specs">${jsonForScript(specs)}</script>\n<script ` +
    `type="module">${code}</script>`
  );
}
