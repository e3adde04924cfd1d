import { describe, expect, it } from 'vitest';
import {
  decades,
  escapeHtml,
  flowPlayer,
  formatCell,
  GLOSSARY,
  READING_ORDER,
  reportPage,
  reproduceCommands,
  shortTitle,
  type ExperimentSummary,
  type FlowFrame,
} from '../../src/report/index.ts';

const summary: ExperimentSummary = {
  name: 'demo',
  order: 9,
  file: 'experiments/09-demo.ts',
  description: 'Shows <b> & "quotes"',
  budget: 'full',
  seed: 'a b',
  charts: ['one', 'two'],
  headline: [
    { rule: 'backprop', accuracy: 0.96123, tiny: 1.5e-9 },
    { rule: 'merged', note: 'x<y' },
  ],
  notes: ['rule merged is not built yet'],
  html: '<div id="custom-demo">custom</div>',
};

describe('the report page', () => {
  const page = reportPage([{ summary, svgs: { one: '<svg width="10" height="10"></svg>' } }]);

  it('escapes text, keeps the custom block as HTML, and marks each chart container', () => {
    expect(page).toContain('Shows &lt;b&gt; &amp; &quot;quotes&quot;');
    expect(page).toContain('<div class="custom" data-custom="demo">\n<div id="custom-demo">custom</div>');
    expect(page).toContain(
      '<figure class="chart" data-chart="demo/one"><div class="chart-body"><svg width="10" height="10"></svg>',
    );
    // A chart listed without its SVG is shown as missing (the browser check fails on it).
    expect(page).toMatch(/data-chart="demo\/two"><p class="missing">/);
    expect(page).toContain('<li>rule merged is not built yet</li>');
  });

  it('opens with key findings, a reading order (flow before equivalence), \
the glossary and one line per section', () => {
    const names = READING_ORDER.map((r) => r.name);
    expect(names.indexOf('flow')).toBeLessThan(names.indexOf('equivalence'));
    for (const term of [
      'local learning',
      'weight transport',
      'nudge',
      'β',
      'merged',
      'predictive coding',
      'Z-IL',
      'feedback alignment',
      'DFA',
      'Δz',
      'η',
      'tick',
    ]) {
      expect(GLOSSARY.map(([t]) => t)).toContain(term);
      expect(page).toContain(`<dt>${escapeHtml(term)}</dt>`);
    }
    expect(shortTitle("The essay's warning, measured: a long text. More.")).toBe("The essay's warning, measured");
    const toc = page.slice(page.indexOf('<nav id="contents">'), page.indexOf('</nav>'));
    expect(toc).toContain('<a href="#demo">09 demo</a>: Shows &lt;b&gt; &amp; &quot;quotes&quot;</li>');
    const key = { ...summary, claims: [{ text: 'finding 1.5', holds: true, key: true }] };
    const withFindings = reportPage([{ summary: key, svgs: {} }]);
    expect(withFindings).toMatch(/<section class="summary" id="summary">[\s\S]*finding 1\.5 <a href="#demo">/);
  });

  it('tabulates the headline with the union of the columns', () => {
    const table = page.slice(page.indexOf('<table'), page.indexOf('</table>'));
    expect(table.match(/<th[ >]/g)).toHaveLength(4);
    expect(table).toContain('<td class="num">0.9612</td>');
    expect(table).toContain('<td class="num">1.50e-9</td>');
    expect(table).toContain('<td>x&lt;y</td>');
  });

  it('gives the commands that reproduce the section, quoting the seed for the shell', () => {
    expect(reproduceCommands(summary)).toEqual([
      "npm run -s localprop -- run demo --full --seed 'a b'",
      "npx tsx experiments/09-demo.ts --full --seed 'a b'",
    ]);
    expect(reproduceCommands({ ...summary, budget: 'quick', seed: '1' })).toEqual([
      'npm run -s localprop -- run demo --quick --seed 1',
      'npx tsx experiments/09-demo.ts',
    ]);
    // A user's own file runs by its path.
    expect(reproduceCommands({ ...summary, file: 'my ideas/idea.ts', budget: 'quick', seed: '1' })).toEqual([
      "npx localprop run './my ideas/idea.ts' --quick --seed 1",
      "npx tsx 'my ideas/idea.ts'",
    ]);
  });

  it('formats cells and escapes', () => {
    expect([formatCell(3), formatCell(0.123456), formatCell(2e-7), formatCell(null), formatCell('a')]).toEqual([
      '3',
      '0.1235',
      '2.00e-7',
      '–',
      'a',
    ]);
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('puts log-axis ticks on the decades the values span', () => {
    expect(decades([0.003, 0.2, 40])).toEqual([1e-3, 1e-2, 1e-1, 1, 10, 100]);
    expect(decades([1e-16, 1])).toEqual([1e-16, 1e-14, 1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1]);
    expect(decades([0, -1])).toEqual([]);
  });
});

describe('the flow player', () => {
  const nodes = [
    { id: 'a', x: 0, y: 0, label: 'x₁' },
    { id: 'b', x: 1, y: 0, label: 'y₁' },
  ];
  const edges = [{ from: 'a', to: 'b' }];
  const act = { carries: 'activation' as const, errorFraction: 0, strength: 1, value: 1 };
  const idle = { carries: 'idle' as const, errorFraction: 0, strength: 0, value: 0 };
  const err = { carries: 'error' as const, errorFraction: 1, strength: 0.5, value: -0.5 };
  const weightSets = [
    { edges: [0.5], biases: [null, -0.2] },
    { edges: [0.4], biases: [null, -0.25] },
  ];
  const frames: FlowFrame[] = [
    {
      tick: 0,
      caption: 'forward',
      nodes: [act, idle],
      pulses: [{ edge: 0, direction: 1, kind: 'activation', strength: 1 }],
      lit: [],
      weights: 0,
      changes: [],
    },
    {
      tick: 1,
      caption: '</script><b>',
      nodes: [act, err],
      pulses: [{ edge: 0, direction: -1, kind: 'error', strength: 0.5 }],
      lit: [0],
      weights: 1,
      changes: [{ edge: 0, delta: -0.1 }],
    },
  ];
  const html = flowPlayer({ id: 'p1', nodes, edges, weightSets, frames });

  it('draws one group per node, one edge and its change line per synapse, \
and prev / play / next / speed / slider controls', () => {
    expect(html.match(/<g data-node=/g)).toHaveLength(2);
    expect(html.match(/<line data-edge=/g)).toHaveLength(1);
    expect(html.match(/<line data-change=/g)).toHaveLength(1);
    expect(html).toContain('data-flow-player="p1"');
    expect(html).toMatch(/<input type="range" data-flow-tick min="0" max="1"/);
    for (const control of ['data-flow-prev', 'data-flow-play', 'data-flow-next', 'data-flow-speed'])
      expect(html).toContain(control);
    // The picture scales to its container (a 400 px page).
    expect(html).toMatch(/<svg class="flow-svg" data-flow-svg viewBox="0 0 640 340" width="100%"/);
  });

  it('carries every node state, pulse direction, lit presynaptic node, \
weight set and change as JSON that cannot close its script', () => {
    const json = html.match(/<script type="application\/json">(.*?)<\/script>/s)![1]!;
    expect(json).not.toContain('</script>');
    const data = JSON.parse(json);
    expect(data.frames).toHaveLength(2);
    expect(data.frames[1].caption).toBe('</script><b>');
    // [carries code, error fraction, strength, value]: node b idle, then all error.
    expect(data.frames[0].n[1]).toEqual([0, 0, 0, 0]);
    expect(data.frames[1].n[1]).toEqual([2, 1, 0.5, -0.5]);
    expect(data.frames[0].p[0].slice(0, 2)).toEqual([0, 1]);
    expect(data.frames[1].p[0].slice(0, 2)).toEqual([0, -1]);
    expect(data.frames[1].lit).toEqual([0]);
    expect(data.weights[1]).toEqual({ e: [0.4], b: [null, -0.25] });
    expect(data.frames[1].d).toEqual([[0, -0.1]]);
  });

  it('rejects frames that do not match the picture', () => {
    expect(() => flowPlayer({ id: 'p2', nodes, edges, weightSets, frames: [{ ...frames[0]!, nodes: [act] }] })).toThrow(
      /frame 0/,
    );
    expect(() => flowPlayer({ id: 'p2', nodes, edges, weightSets, frames: [{ ...frames[0]!, weights: 5 }] })).toThrow(
      /weight set 5/,
    );
    expect(() => flowPlayer({ id: 'p3', nodes, edges: [{ from: 'a', to: 'zz' }], weightSets, frames })).toThrow(
      /unknown node/,
    );
    expect(() => flowPlayer({ id: 'Bad Id', nodes, edges, weightSets, frames })).toThrow(/id/);
  });
});
