/**
 * An animated network diagram for an experiment's custom HTML block, built so that a neuron is
 * seen changing role: every neuron keeps its state from tick to tick and shows, at every tick,
 * which fraction of what it carries is activation (blue, from below) and which is error (red,
 * from above); messages run as pulses along the edges in their direction of travel; during a
 * local update the presynaptic neurons x_i whose traces the synapses read are ringed; each edge's
 * width is |w| and its colour the sign of w, and a weight change is drawn over it (green, width
 * |Δw|); each neuron's bias is a small square beside it (size |b|, colour its sign). Previous,
 * play/pause, next and a speed choice drive a slider over the frames; a Vega view named in
 * `raster` (in the report page) gets its `cursor` signal set to the frame's tick, so a marker on
 * the space-time raster moves with the slider. Offline and self-contained; the SVG scales to its
 * container's width (400 px works).
 *
 *   flowPlayer({ id: 'flow', nodes, edges, weightSets, frames, raster: 'flow/space-time' })
 *
 * For the browser check each node carries data-carries and data-error-fraction as drawn, and each
 * pulse data-edge and data-direction.
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

export type Carries = 'idle' | 'activation' | 'error' | 'nudge';

export interface FlowNodeState {
  carries: Carries;
  /** The share of the neuron's signal that is error, 0..1 (0 activation only, 1 error only). */
  errorFraction: number;
  /** |value| relative to the largest of its kind, 0..1. */
  strength: number;
  /** The value carried, for the hover text. */
  value: number;
}

export interface FlowPulse {
  edge: number;
  /** +1 from the edge's `from` to its `to`; −1 back. */
  direction: 1 | -1;
  /** A key of the palette. */
  kind: string;
  strength: number;
}

export interface FlowFrame {
  tick: number;
  caption?: string;
  /** Aligned with FlowPlayerOptions.nodes: every node has a state at every frame. */
  nodes: FlowNodeState[];
  pulses: FlowPulse[];
  /** Nodes ringed: the presynaptic x_i read by this frame's local updates. */
  lit: number[];
  /** Index into weightSets: the weights and biases in place at this frame. */
  weights: number;
  /** Weight changes drawn over their edges at this frame (edge, Δw). */
  changes: { edge: number; delta: number }[];
}

export interface FlowWeights {
  /** Per edge its weight, or null for an edge without one (e.g. to the teacher). */
  edges: (number | null)[];
  /** Per node its bias, or null (inputs, the teacher). */
  biases: (number | null)[];
}

export interface FlowPlayerOptions {
  /** Unique on the page; [a-z0-9-]. */
  id: string;
  title?: string;
  nodes: FlowNode[];
  edges: FlowEdge[];
  weightSets: FlowWeights[];
  frames: FlowFrame[];
  /** The viewBox's size; the picture scales to the width of its container. Default 640 × 340. */
  width?: number;
  height?: number;
  /** Node radius. Default 14. */
  radius?: number;
  /** Kind → colour. Default DEFAULT_FLOW_PALETTE. */
  palette?: Record<string, string>;
  /** Milliseconds per frame at speed 1×. Default 700. */
  interval?: number;
  /** data-chart key of a Vega view with a `cursor` signal to move with the slider. */
  raster?: string;
}

export const DEFAULT_FLOW_PALETTE: Readonly<Record<string, string>> = {
  activation: '#4c78a8',
  error: '#c0392b',
  nudge: '#e0b000',
  lateral: '#b07aa1',
  'weight-update': '#2e9e44',
};
/** Edge colours by the sign of w. */
const POSITIVE = '#555555';
const NEGATIVE = '#c9a38a';

export function flowPlayer(options: FlowPlayerOptions): string {
  const { id, nodes, edges, frames, weightSets } = options;
  if (!/^[a-z0-9-]+$/.test(id)) throw new Error(`flowPlayer: id must be [a-z0-9-]+, got ${JSON.stringify(id)}`);
  if (frames.length === 0) throw new Error('flowPlayer: no frames');
  const index = new Map(nodes.map((n, k) => [n.id, k]));
  for (const e of edges)
    if (!index.has(e.from) || !index.has(e.to))
      throw new Error(`flowPlayer: edge ${e.from} → ${e.to} names an unknown node`);
  weightSets.forEach((w, k) => {
    if (w.edges.length !== edges.length || w.biases.length !== nodes.length)
      throw new Error(
        `flowPlayer: weight set ${k} has ${w.edges.length} edges and ${w.biases.length} biases, ` +
          `expected ${edges.length} and ${nodes.length}`,
      );
  });
  frames.forEach((f, k) => {
    if (f.nodes.length !== nodes.length)
      throw new Error(`flowPlayer: frame ${k} has ${f.nodes.length} node states, expected ${nodes.length}`);
    if (!weightSets[f.weights])
      throw new Error(`flowPlayer: frame ${k} names weight set ${f.weights}, which does not exist`);
    for (const p of f.pulses)
      if (!edges[p.edge])
        throw new Error(`flowPlayer: frame ${k} sends a pulse along edge ${p.edge}, which does not exist`);
  });

  const width = options.width ?? 640;
  const height = options.height ?? 340;
  const r = options.radius ?? 14;
  const palette = { ...DEFAULT_FLOW_PALETTE, ...options.palette };
  const margin = r + 22;
  const xs = nodes.map((n) => n.x);
  const ys = nodes.map((n) => n.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const px = (x: number): number =>
    +(x1 === x0 ? width / 2 : margin + ((x - x0) / (x1 - x0)) * (width - 2 * margin)).toFixed(2);
  const py = (y: number): number =>
    +(y1 === y0 ? height / 2 : margin + ((y - y0) / (y1 - y0)) * (height - 2 * margin - 16)).toFixed(2);
  const positions = nodes.map((n) => [px(n.x), py(n.y)] as const);
  const wMax = Math.max(1e-12, ...weightSets.flatMap((w) => w.edges.map((v) => Math.abs(v ?? 0))));
  const bMax = Math.max(1e-12, ...weightSets.flatMap((w) => w.biases.map((v) => Math.abs(v ?? 0))));
  const dMax = Math.max(1e-12, ...frames.flatMap((f) => f.changes.map((c) => Math.abs(c.delta))));

  const edgeSvg = edges
    .map((e, k) => {
      const [ax, ay] = positions[index.get(e.from)!]!;
      const [bx, by] = positions[index.get(e.to)!]!;
      return (
        `<line data-edge="${k}" x1="${ax}" y1="${ay}" x2="${bx}" y2="${by}" stroke="${POSITIVE}" ` +
        `stroke-width="1" stroke-linecap="round"/>` +
        `<line data-change="${k}" x1="${ax}" y1="${ay}" x2="${bx}" y2="${by}" ` +
        `stroke="${palette['weight-update']}" stroke-width="0" stroke-opacity="0.85" ` +
        `stroke-linecap="round"/>`
      );
    })
    .join('');
  const nodeSvg = nodes
    .map((n, k) => {
      const [cx, cy] = positions[k]!;
      const clip = `${id}-clip-${k}`;
      const label = n.label
        ? `<text x="${cx}" y="${+(cy + r + 13).toFixed(2)}" text-anchor="middle" font-size="12" ` +
          `fill="#333">${escapeHtml(n.label)}</text>`
        : '';
      return (
        `<g data-node="${k}" data-carries="idle" ` +
        `data-error-fraction="0"><title>${escapeHtml(n.label ?? n.id)}</title>` +
        `<clipPath id="${clip}"><circle cx="${cx}" cy="${cy}" r="${r}"/></clipPath>` +
        `<circle cx="${cx}" cy="${cy}" r="${r}" fill="#f4f4f4"/>` +
        `<g clip-path="url(#${clip})"><rect data-part="activation" x="${cx - r}" y="${cy - r}" ` +
        `width="${2 * r}" height="0" fill="${palette.activation}"/>` +
        `<rect data-part="error" x="${cx - r}" y="${cy - r}" width="${2 * r}" height="0" ` +
        `fill="${palette.error}"/></g>` +
        `<circle data-ring cx="${cx}" cy="${cy}" r="${r}" fill="none" stroke="#999" stroke-width="1.2"/>` +
        `<rect data-bias="${k}" x="${cx + r * 0.75}" y="${cy - r * 1.35}" width="0" height="0" ` +
        `fill="${POSITIVE}"/>${label}</g>`
      );
    })
    .join('');
  const legendItem = (colour: string, text: string): string =>
    `<span style="white-space:nowrap"><svg width="12" height="12" aria-hidden="true"><rect width="12" ` +
    `height="12" fill="${colour}"/></svg> ${escapeHtml(text)}</span>`;
  const legend = [
    legendItem(palette.activation!, 'activation (share of the neuron, from below)'),
    legendItem(palette.error!, 'error (share, from above)'),
    legendItem(palette.nudge!, "teacher's nudge"),
    legendItem(palette['weight-update']!, 'local update: ringed x_i, Δw over the edge'),
    legendItem(POSITIVE, 'w > 0 (width |w|)'),
    legendItem(NEGATIVE, 'w < 0'),
    '<span>small square: the bias b</span>',
  ].join(' ');
  const title = options.title ? `<div class="flow-title">${escapeHtml(options.title)}</div>` : '';
  const carriesCode: Record<Carries, number> = { idle: 0, activation: 1, error: 2, nudge: 3 };
  const kinds = Object.keys(palette);
  const round = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d;
  const data = {
    interval: options.interval ?? 700,
    raster: options.raster ?? null,
    r,
    colours: { positive: POSITIVE, negative: NEGATIVE, kinds: kinds.map((k) => palette[k]) },
    scale: { w: wMax, b: bMax, d: dMax },
    positions,
    edges: edges.map((e) => [index.get(e.from)!, index.get(e.to)!]),
    weights: weightSets.map((w) => ({
      e: w.edges.map((v) => (v === null ? null : round(v, 5))),
      b: w.biases.map((v) => (v === null ? null : round(v, 5))),
    })),
    frames: frames.map((f) => ({
      tick: f.tick,
      caption: f.caption ?? '',
      n: f.nodes.map((s) => [carriesCode[s.carries], round(s.errorFraction), round(s.strength), round(s.value, 4)]),
      p: f.pulses.map((p) => [p.edge, p.direction, Math.max(0, kinds.indexOf(p.kind)), round(p.strength)]),
      lit: f.lit,
      w: f.weights,
      d: f.changes.map((c) => [c.edge, round(c.delta, 6)]),
    })),
  };

  const script =
    `(function () {
  var root = document.querySelector('[data-flow-player="${id}"]');
  var data = JSON.parse(root.querySelector('script[type="application/json"]').textContent);
  var svg = root.querySelector('svg[data-flow-svg]'), pulseLayer = svg.querySelector('.pulses');
  var nodeEls = svg.querySelectorAll('g[data-node]'), edgeEls = svg.querySelectorAll('line[data-edge]'), ` +
    `changeEls = svg.querySelectorAll('line[data-change]');
  var slider = root.querySelector('[data-flow-tick]'), playButton = root.querySelector('[data-flow-play]');
  var label = root.querySelector('[data-flow-caption]'), speed = root.querySelector('[data-flow-speed]');
  var NAMES = ['idle', 'activation', 'error', 'nudge'];
  var timer = null, pulses = [], started = 0, current = 0;
  function show(k) {
    current = k;
    var f = data.frames[k], W = data.weights[f.w], r = data.r;
    f.n.forEach(function (s, i) {
      var g = nodeEls[i], cy = data.positions[i][1];
      var strength = s[0] === 0 ? 0 : 0.3 + 0.7 * s[2];
      var errorHeight = 2 * r * s[1], activationHeight = s[0] === 0 ? 0 : 2 * r - errorHeight;
      var a = g.querySelector('[data-part="activation"]'), e = g.querySelector('[data-part="error"]');
      a.setAttribute('y', String(cy + r - activationHeight)); a.setAttribute('height', ` +
    `String(activationHeight)); a.setAttribute('fill-opacity', String(strength));
      e.setAttribute('y', String(cy - r)); e.setAttribute('height', String(errorHeight)); ` +
    `e.setAttribute('fill-opacity', String(strength));
      if (s[0] === 3) { a.setAttribute('fill', data.colours.kinds[2]); } else { a.setAttribute('fill', ` +
    `data.colours.kinds[0]); }
      g.setAttribute('data-carries', NAMES[s[0]]);
      g.setAttribute('data-error-fraction', String(s[1]));
      g.querySelector('title').textContent = g.querySelector('title').textContent.split(':')[0] + ': ' + NAMES[s[0]] ` +
    `+ (s[0] ? ' ' + s[3] : '') + (W.b[i] !== null ? ', b = ' + W.b[i] : '');
      var ring = g.querySelector('[data-ring]'), lit = f.lit.indexOf(i) >= 0;
      ring.setAttribute('stroke', lit ? data.colours.kinds[4] : '#999'); ` +
    `ring.setAttribute('stroke-width', lit ? '4' : '1.2');
      g.setAttribute('data-lit', lit ? 'yes' : 'no');
      var bias = g.querySelector('[data-bias]'), b = W.b[i];
      var side = b === null ? 0 : 5 + 8 * Math.sqrt(Math.abs(b) / data.scale.b);
      bias.setAttribute('width', String(side)); bias.setAttribute('height', String(side));
      bias.setAttribute('fill', b !== null && b < 0 ? data.colours.negative : data.colours.positive);
    });
    W.e.forEach(function (w, i) {
      var el = edgeEls[i];
      if (w === null) { el.setAttribute('stroke', '#ccc'); el.setAttribute('stroke-width', '1'); ` +
    `el.setAttribute('stroke-dasharray', '3 3'); return; }
      el.setAttribute('stroke', w < 0 ? data.colours.negative : data.colours.positive);
      el.setAttribute('stroke-width', String(0.6 + 5 * Math.abs(w) / data.scale.w));
    });
    changeEls.forEach(function (el) { el.setAttribute('stroke-width', '0'); });
    f.d.forEach(function (c) { changeEls[c[0]].setAttribute('stroke-width', ` +
    `String(1.5 + 7 * Math.abs(c[1]) / data.scale.d)); });
    while (pulseLayer.firstChild) pulseLayer.removeChild(pulseLayer.firstChild);
    pulses = f.p.map(function (p) {
      var ends = data.edges[p[0]], from = data.positions[ends[p[1] > 0 ? 0 : 1]], ` +
    `to = data.positions[ends[p[1] > 0 ? 1 : 0]];
      var c = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
      c.setAttribute('r', String(3 + 4 * p[3])); c.setAttribute('fill', data.colours.kinds[p[2]]); ` +
    `c.setAttribute('stroke', 'white');
      c.setAttribute('data-pulse', ''); c.setAttribute('data-edge', String(p[0])); ` +
    `c.setAttribute('data-direction', p[1] > 0 ? 'forward' : 'backward');
      pulseLayer.appendChild(c);
      return { el: c, from: from, to: to };
    });
    started = performance.now();
    movePulses();
    label.textContent = 'tick ' + f.tick + (f.caption ? ': ' + f.caption : '');
    slider.value = String(k);
    var views = window.localpropViews, view = data.raster && views ? views[data.raster] : null;
    if (view) view.signal('cursor', f.tick).runAsync();
  }
  function movePulses() {
    var t = Math.min(1, (performance.now() - started) / (0.8 * data.interval / +speed.value));
    pulses.forEach(function (p) {
      p.el.setAttribute('cx', String(p.from[0] + (p.to[0] - p.from[0]) * (0.1 + 0.8 * t)));
      p.el.setAttribute('cy', String(p.from[1] + (p.to[1] - p.from[1]) * (0.1 + 0.8 * t)));
    });
    if (t < 1 && pulses.length) requestAnimationFrame(movePulses);
  }
  function stop() { if (timer !== null) { clearTimeout(timer); timer = null; } playButton.textContent = '▶ play'; }
  function tick() {
    var k = current + 1;
    if (k >= data.frames.length) { stop(); return; }
    show(k);
    timer = setTimeout(tick, data.interval / +speed.value);
  }
  function play() {
    if (current >= data.frames.length - 1) show(0);
    playButton.textContent = '❚❚ pause';
    timer = setTimeout(tick, data.interval / +speed.value);
  }
  slider.addEventListener('input', function () { stop(); show(+slider.value); });
  playButton.addEventListener('click', function () { if (timer === null) play(); else stop(); });
  root.querySelector('[data-flow-prev]').addEventListener('click', function () { stop(); show(Math.max(0, ` +
    `current - 1)); });
  root.querySelector('[data-flow-next]').addEventListener('click', function () { stop(); ` +
    `show(Math.min(data.frames.length - 1, current + 1)); });
  root.flowShow = show;
  show(0);
  // The raster's view may come later (the page builds its charts after this script): place its marker then.
  document.addEventListener('localprop-charts-ready', function () { show(current); });
})();`;

  const button = (attr: string, text: string, label: string): string =>
    `<button type="button" ${attr} aria-label="${label}">${text}</button>`;
  return (
    `<div class="flow-player" data-flow-player="${id}" style="max-width:${width}px">
${title}<svg class="flow-svg" data-flow-svg viewBox="0 0 ${width} ${height}" width="100%" role="img" ` +
    `aria-label="${escapeHtml(options.title ?? 'network flow')}" style="display:block;height:auto"><rect ` +
    `width="${width}" height="${height}" fill="white"/><g class="edges">${edgeSvg}</g><g ` +
    `class="nodes">${nodeSvg}</g><g class="pulses"></g></svg>
<div class="flow-controls" style="display:flex;flex-wrap:wrap;gap:0.4rem;align-items:center;margin:0.3rem ` +
    `0">${button('data-flow-prev', '◀ prev', 'previous tick')}${button('data-flow-play', '▶ play', 'play')}` +
    `${button('data-flow-next', 'next ▶', 'next tick')}<label ` +
    `style="font-size:0.85rem">speed <select data-flow-speed><option value="0.5">0.5×</option><option ` +
    `value="1" selected>1×</option><option value="2">2×</option><option ` +
    `value="4">4×</option></select></label><input type="range" data-flow-tick min="0" ` +
    `max="${frames.length - 1}" step="1" value="0" aria-label="frame" style="flex:1 1 ` +
    `160px;min-width:120px"></div>
<div data-flow-caption style="font-variant-numeric:tabular-nums;min-height:2.6em">tick ${frames[0]!.tick}</div>
<div class="flow-legend" style="font-size:0.8rem;color:#555;display:flex;flex-wrap:wrap;gap:0.3rem ` +
    `0.8rem">${legend}</div>
<script type="application/json">${jsonForScript(data)}</script>
<script>${script}</script>
</div>`
  );
}
