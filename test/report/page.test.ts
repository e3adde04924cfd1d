import { describe, expect, it } from 'vitest';
import { decades, escapeHtml, flowPlayer, formatCell, reportPage, reproduceCommands, type ExperimentSummary, type FlowFrame } from '../../src/report/index.ts';

const summary: ExperimentSummary = {
  name: 'demo',
  order: 9,
  file: 'experiments/09-demo.ts',
  description: 'Shows <b> & "quotes"',
  budget: 'full',
  seed: 'a b',
  charts: ['one', 'two'],
  headline: [{ rule: 'backprop', accuracy: 0.96123, tiny: 1.5e-9 }, { rule: 'merged', note: 'x<y' }],
  notes: ['rule merged is not built yet'],
  html: '<div id="custom-demo">custom</div>',
};

describe('the report page', () => {
  const page = reportPage([{ summary, svgs: { one: '<svg width="10" height="10"></svg>' } }]);

  it('escapes text, keeps the custom block as HTML, and marks each chart container', () => {
    expect(page).toContain('Shows &lt;b&gt; &amp; &quot;quotes&quot;');
    expect(page).toContain('<div class="custom" data-custom="demo">\n<div id="custom-demo">custom</div>');
    expect(page).toContain('<figure class="chart" data-chart="demo/one"><div class="chart-body"><svg width="10" height="10"></svg>');
    // A chart listed without its SVG is shown as missing (the browser check fails on it).
    expect(page).toMatch(/data-chart="demo\/two"><p class="missing">/);
    expect(page).toContain('<li>rule merged is not built yet</li>');
  });

  it('tabulates the headline with the union of the columns', () => {
    const table = page.slice(page.indexOf('<table'), page.indexOf('</table>'));
    expect(table.match(/<th[ >]/g)).toHaveLength(4);
    expect(table).toContain('<td class="num">0.9612</td>');
    expect(table).toContain('<td class="num">1.50e-9</td>');
    expect(table).toContain('<td>x&lt;y</td>');
  });

  it('gives the commands that reproduce the section, quoting the seed for the shell', () => {
    expect(reproduceCommands(summary)).toEqual(["npm run -s localprop -- run demo --full --seed 'a b'", "npx tsx experiments/09-demo.ts --full --seed 'a b'"]);
    expect(reproduceCommands({ ...summary, budget: 'quick', seed: '1' })).toEqual(['npm run -s localprop -- run demo --quick --seed 1', 'npx tsx experiments/09-demo.ts']);
  });

  it('formats cells and escapes', () => {
    expect([formatCell(3), formatCell(0.123456), formatCell(2e-7), formatCell(null), formatCell('a')]).toEqual(['3', '0.1235', '2.00e-7', '–', 'a']);
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
  const frames: FlowFrame[] = [
    { tick: 0, caption: 'forward', nodes: [{ kind: 'activation', value: 1 }, null], edges: [null] },
    { tick: 1, caption: '</script><b>', nodes: [null, { kind: 'error', value: -0.5 }], edges: [{ kind: 'weight-update', value: 2 }] },
  ];
  const html = flowPlayer({ id: 'p1', nodes, edges, frames });

  it('draws the first frame, one element per node and edge, with a slider over the ticks', () => {
    expect(html.match(/<circle data-node=/g)).toHaveLength(2);
    expect(html.match(/<line data-edge=/g)).toHaveLength(1);
    expect(html).toContain('data-flow-player="p1"');
    expect(html).toMatch(/<input type="range" data-flow-tick min="0" max="1"/);
    // Frame 0: node a active at full strength (scale = the largest |value|, 2), node b idle.
    expect(html).toMatch(/data-node="0"[^>]*fill="#4c78a8" fill-opacity="0.575"/);
    expect(html).toMatch(/data-node="1"[^>]*fill="#f2f2f2"/);
    expect(html).toContain('tick 0: forward');
  });

  it('carries the frames as JSON that cannot close its script element', () => {
    const json = html.match(/<script type="application\/json">(.*?)<\/script>/s)![1]!;
    expect(json).not.toContain('</script>');
    const data = JSON.parse(json);
    expect(data.frames).toHaveLength(2);
    expect(data.frames[1].caption).toBe('</script><b>');
    expect(data.frames[1].e[0][1]).toBe(1);
  });

  it('rejects frames that do not match the picture', () => {
    expect(() => flowPlayer({ id: 'p2', nodes, edges, frames: [{ tick: 0, nodes: [null], edges: [null] }] })).toThrow(/frame 0/);
    expect(() => flowPlayer({ id: 'p3', nodes, edges: [{ from: 'a', to: 'zz' }], frames })).toThrow(/unknown node/);
    expect(() => flowPlayer({ id: 'Bad Id', nodes, edges, frames })).toThrow(/id/);
  });
});
