/**
 * A reusable animated network diagram for an experiment's custom HTML block: an SVG of nodes and
 * edges, a tick slider and a play button, and a small inline script that restyles the picture
 * frame by frame. Offline and self-contained; several players can live on one page.
 *
 *   const html = flowPlayer({
 *     id: 'flow',
 *     nodes: [{ id: 'x1', x: 0, y: 0, label: 'x₁' }, { id: 'y1', x: 1, y: 0 }],
 *     edges: [{ from: 'x1', to: 'y1' }],
 *     frames: [{ tick: 0, caption: 'forward', nodes: [{ kind: 'activation', value: 0.8 }, null], edges: [null] }, …],
 *   });
 *   return { …, html };   // from Experiment.run
 *
 * Each frame gives, for every node and every edge (in the order of `nodes` and `edges`), a state
 * or null (idle). The state's `kind` picks the colour; |value| / `scale` (clamped to 1) sets the
 * strength: a node's fill opacity, an edge's width and opacity.
 */
import { escapeHtml, jsonForScript } from './html.ts';

export interface FlowNode {
  id: string;
  /** Any units: the player fits the layout into the picture. */
  x: number;
  y: number;
  label?: string;
}

export interface FlowEdge {
  from: string;
  to: string;
}

export interface FlowState {
  /** e.g. 'activation', 'error', 'weight-update', 'nudge'; a key of the palette. */
  kind: string;
  value: number;
}

export interface FlowFrame {
  tick: number;
  caption?: string;
  /** Aligned with FlowPlayerOptions.nodes; null = idle. */
  nodes: (FlowState | null)[];
  /** Aligned with FlowPlayerOptions.edges; null = idle. */
  edges: (FlowState | null)[];
}

export interface FlowPlayerOptions {
  /** Unique on the page; [a-z0-9-]. */
  id: string;
  title?: string;
  nodes: FlowNode[];
  edges: FlowEdge[];
  frames: FlowFrame[];
  /** The picture's size in CSS pixels. Default 640 × 360. */
  width?: number;
  height?: number;
  /** Node radius in pixels. Default 12. */
  radius?: number;
  /** |value| at full strength. Default: the largest |value| over all frames. */
  scale?: number;
  /** Kind → colour. Default DEFAULT_FLOW_PALETTE; kinds not listed are grey. */
  palette?: Record<string, string>;
  /** Milliseconds per tick when playing. Default 400. */
  interval?: number;
}

export const DEFAULT_FLOW_PALETTE: Readonly<Record<string, string>> = {
  activation: '#4c78a8',
  error: '#e45756',
  nudge: '#f58518',
  lateral: '#b279a2',
  'weight-update': '#54a24b',
};

const IDLE_FILL = '#f2f2f2';
const IDLE_STROKE = '#d0d0d0';
const OTHER = '#888888';

/** Strength s ∈ [0, 1] → drawing attributes. The same formulas run in the inline script (below). */
const STYLE = { nodeOpacity: [0.15, 0.85], edgeWidth: [0.75, 4], edgeOpacity: [0.25, 0.75] } as const;

// Compact frame encoding shared with the script: per element [colour index, strength] or 0 (idle).
type Encoded = 0 | [number, number];

function encode(state: FlowState | null, colours: string[], palette: Record<string, string>, scale: number): Encoded {
  if (state === null) return 0;
  const colour = palette[state.kind] ?? OTHER;
  let c = colours.indexOf(colour);
  if (c < 0) c = colours.push(colour) - 1;
  const s = scale > 0 ? Math.min(1, Math.abs(state.value) / scale) : 0;
  return [c, Math.round(s * 1000) / 1000];
}

function nodeAttrs(e: Encoded, colours: string[]): string {
  if (e === 0) return `fill="${IDLE_FILL}" fill-opacity="1" stroke="${IDLE_STROKE}"`;
  const [a, b] = STYLE.nodeOpacity;
  return `fill="${colours[e[0]]}" fill-opacity="${+(a + b * e[1]).toFixed(3)}" stroke="${colours[e[0]]}"`;
}

function edgeAttrs(e: Encoded, colours: string[]): string {
  if (e === 0) return `stroke="${IDLE_STROKE}" stroke-width="1" stroke-opacity="1"`;
  const [w0, w1] = STYLE.edgeWidth;
  const [o0, o1] = STYLE.edgeOpacity;
  return `stroke="${colours[e[0]]}" stroke-width="${+(w0 + w1 * e[1]).toFixed(3)}" stroke-opacity="${+(o0 + o1 * e[1]).toFixed(3)}"`;
}

/** The player's markup: SVG (drawn at the first frame), controls, legend, frames as JSON, inline script. */
export function flowPlayer(options: FlowPlayerOptions): string {
  const { id, nodes, edges, frames } = options;
  if (!/^[a-z0-9-]+$/.test(id)) throw new Error(`flowPlayer: id must be [a-z0-9-]+, got ${JSON.stringify(id)}`);
  if (frames.length === 0) throw new Error('flowPlayer: no frames');
  const index = new Map(nodes.map((n, k) => [n.id, k]));
  for (const e of edges) if (!index.has(e.from) || !index.has(e.to)) throw new Error(`flowPlayer: edge ${e.from} → ${e.to} names an unknown node`);
  frames.forEach((f, k) => {
    if (f.nodes.length !== nodes.length || f.edges.length !== edges.length) throw new Error(`flowPlayer: frame ${k} has ${f.nodes.length} node and ${f.edges.length} edge states, expected ${nodes.length} and ${edges.length}`);
  });

  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const r = options.radius ?? 12;
  const palette = { ...DEFAULT_FLOW_PALETTE, ...options.palette };
  const scale = options.scale ?? Math.max(0, ...frames.flatMap((f) => [...f.nodes, ...f.edges].map((s) => (s ? Math.abs(s.value) : 0))));

  // Fit the layout into the picture, keeping a margin for the node and its label.
  const margin = r + 14;
  const xs = nodes.map((n) => n.x);
  const ys = nodes.map((n) => n.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const px = (x: number): number => +(x1 === x0 ? width / 2 : margin + ((x - x0) / (x1 - x0)) * (width - 2 * margin)).toFixed(2);
  const py = (y: number): number => +(y1 === y0 ? height / 2 : margin + ((y - y0) / (y1 - y0)) * (height - 2 * margin)).toFixed(2);

  const colours: string[] = [];
  const encoded = frames.map((f) => ({
    tick: f.tick,
    caption: f.caption ?? '',
    n: f.nodes.map((s) => encode(s, colours, palette, scale)),
    e: f.edges.map((s) => encode(s, colours, palette, scale)),
  }));
  const first = encoded[0]!;

  const edgeSvg = edges
    .map((e, k) => {
      const a = nodes[index.get(e.from)!]!;
      const b = nodes[index.get(e.to)!]!;
      return `<line data-edge="${k}" x1="${px(a.x)}" y1="${py(a.y)}" x2="${px(b.x)}" y2="${py(b.y)}" ${edgeAttrs(first.e[k]!, colours)}/>`;
    })
    .join('');
  const nodeSvg = nodes
    .map((n, k) => {
      const label = n.label ? `<text x="${px(n.x)}" y="${+(py(n.y) + r + 12).toFixed(2)}" text-anchor="middle" font-size="11" fill="#444">${escapeHtml(n.label)}</text>` : '';
      return `<g><circle data-node="${k}" cx="${px(n.x)}" cy="${py(n.y)}" r="${r}" stroke-width="1.5" ${nodeAttrs(first.n[k]!, colours)}><title>${escapeHtml(n.label ?? n.id)}</title></circle>${label}</g>`;
    })
    .join('');
  const kinds = Object.entries(palette).filter(([, c]) => colours.includes(c));
  const legend = kinds.map(([kind, c]) => `<span><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="${c}"/></svg> ${escapeHtml(kind)}</span>`).join(' ');
  const title = options.title ? `<div class="flow-title">${escapeHtml(options.title)}</div>` : '';
  const caption = (f: (typeof encoded)[number]): string => `tick ${f.tick}${f.caption ? `: ${f.caption}` : ''}`;

  const script = `(function () {
  var root = document.querySelector('[data-flow-player="${id}"]');
  var data = JSON.parse(root.querySelector('script[type="application/json"]').textContent);
  var nodes = root.querySelectorAll('[data-node]'), edges = root.querySelectorAll('[data-edge]');
  var slider = root.querySelector('[data-flow-tick]'), button = root.querySelector('[data-flow-play]'), label = root.querySelector('[data-flow-caption]');
  var timer = null;
  function show(k) {
    var f = data.frames[k];
    f.n.forEach(function (e, i) {
      var el = nodes[i];
      if (e === 0) { el.setAttribute('fill', '${IDLE_FILL}'); el.setAttribute('fill-opacity', '1'); el.setAttribute('stroke', '${IDLE_STROKE}'); return; }
      var c = data.colours[e[0]];
      el.setAttribute('fill', c); el.setAttribute('stroke', c); el.setAttribute('fill-opacity', String(${STYLE.nodeOpacity[0]} + ${STYLE.nodeOpacity[1]} * e[1]));
    });
    f.e.forEach(function (e, i) {
      var el = edges[i];
      if (e === 0) { el.setAttribute('stroke', '${IDLE_STROKE}'); el.setAttribute('stroke-width', '1'); el.setAttribute('stroke-opacity', '1'); return; }
      el.setAttribute('stroke', data.colours[e[0]]);
      el.setAttribute('stroke-width', String(${STYLE.edgeWidth[0]} + ${STYLE.edgeWidth[1]} * e[1]));
      el.setAttribute('stroke-opacity', String(${STYLE.edgeOpacity[0]} + ${STYLE.edgeOpacity[1]} * e[1]));
    });
    label.textContent = 'tick ' + f.tick + (f.caption ? ': ' + f.caption : '');
  }
  function stop() { if (timer !== null) { clearInterval(timer); timer = null; } button.textContent = '▶ play'; }
  function play() {
    if (+slider.value >= data.frames.length - 1) slider.value = '0';
    show(+slider.value);
    button.textContent = '❚❚ pause';
    timer = setInterval(function () {
      var k = +slider.value + 1;
      if (k >= data.frames.length) { stop(); return; }
      slider.value = String(k);
      show(k);
    }, data.interval);
  }
  slider.addEventListener('input', function () { stop(); show(+slider.value); });
  button.addEventListener('click', function () { if (timer === null) play(); else stop(); });
})();`;

  return `<div class="flow-player" data-flow-player="${id}">
${title}<svg class="flow-svg" data-flow-svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(options.title ?? 'network flow')}"><rect width="${width}" height="${height}" fill="white"/><g class="edges">${edgeSvg}</g><g class="nodes">${nodeSvg}</g></svg>
<div class="flow-controls" style="display:flex;gap:0.6rem;align-items:center;margin:0.3rem 0"><button type="button" data-flow-play>▶ play</button><input type="range" data-flow-tick min="0" max="${frames.length - 1}" step="1" value="0" aria-label="tick" style="flex:1;max-width:${width - 120}px"><span data-flow-caption style="font-variant-numeric:tabular-nums">${escapeHtml(caption(first))}</span></div>
<div class="flow-legend" style="font-size:0.8rem;color:#555">${legend}</div>
<script type="application/json">${jsonForScript({ colours, interval: options.interval ?? 400, frames: encoded })}</script>
<script>${script}</script>
</div>`;
}
