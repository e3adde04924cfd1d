/**
 * A damaged results folder (a summary.json that is garbage, a folder, or holds fields of the
 * wrong kind) is shown as damaged in the page and on stderr; the rest of the report is built,
 * and a run next to it finishes and rebuilds the index.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Experiment } from '../../src/report/experiment.ts';
import { runExperiments } from '../../src/report/runner.ts';
import { readResults } from '../../src/report/summary.ts';
import { runCli } from '../helpers/run-cli.ts';

const chart = {
  data: { values: [{ x: 1, y: 2 }] },
  mark: 'point',
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
} as const;

function fake(name: string, order: number) {
  const experiment: Experiment = {
    name,
    description: `fake ${name}`,
    budgets: { quick: {}, full: {} },
    run: async () => ({ data: { name }, specs: { points: chart }, headline: [{ name, value: 1 }], notes: ['a note'] }),
  };
  return {
    experiment,
    file: { name, order, file: `experiments/0${order}-${name}.ts`, path: `/nowhere/0${order}-${name}.ts` },
  };
}

/** A results folder with one good experiment and each kind of damage beside it. */
async function damagedFolder(): Promise<{ out: string; good: Record<string, unknown> }> {
  const out = mkdtempSync(join(tmpdir(), 'localprop-damaged-'));
  await runExperiments([fake('good', 1)], { budget: 'quick', seed: '1', outDir: out, quiet: true });
  const good = JSON.parse(readFileSync(join(out, 'good', 'summary.json'), 'utf8')) as Record<string, unknown>;
  const write = (name: string, summary: unknown) => {
    mkdirSync(join(out, name));
    writeFileSync(join(out, name, 'summary.json'), typeof summary === 'string' ? summary : JSON.stringify(summary));
  };
  write('garbage', 'not json at all {');
  mkdirSync(join(out, 'folder', 'summary.json'), { recursive: true });
  write('null-headline', { ...good, name: 'null-headline', headline: [null] });
  write('number-notes', { ...good, name: 'number-notes', notes: [1, 2] });
  write('escaping-chart', { ...good, name: 'escaping-chart', charts: ['../../etc/passwd'] });
  return { out, good };
}

const DAMAGED = ['escaping-chart', 'folder', 'garbage', 'null-headline', 'number-notes'];

describe('damaged results folders', () => {
  it('readResults sorts the folders into usable summaries and damaged ones, with a reason each', async () => {
    const { out } = await damagedFolder();
    const { summaries, damaged } = readResults(out);
    expect(summaries.map((s) => s.name)).toEqual(['good']);
    expect(damaged.map((d) => d.name)).toEqual(DAMAGED);
    const reason = Object.fromEntries(damaged.map((d) => [d.name, d.reason]));
    expect(reason['garbage']).toBe('summary.json is not JSON');
    expect(reason['folder']).toBe('summary.json cannot be read (EISDIR)');
    expect(reason['null-headline']).toMatch(/"headline" is \[null\], expected rows/);
    expect(reason['number-notes']).toMatch(/"notes" is \[1,2\], expected an array of strings/);
  });

  it('report: exit 0, the good section built, each damaged folder shown as damaged and named on stderr', async () => {
    const { out } = await damagedFolder();
    const r = await runCli(['report', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('data-experiment="good"');
    expect(html).toContain('fake good');
    for (const name of DAMAGED) {
      expect(html).toContain(`data-damaged="${name}"`);
      expect(r.stderr).toMatch(
        new RegExp(
          `^localprop: warning: \\S*${name} is damaged \\(.+\\); the report shows it as damaged: ` +
            `re-run \`localprop run ${name}\`$`,
          'm',
        ),
      );
    }
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(DAMAGED.length);
  });

  it('run X beside a damaged sibling finishes X and rebuilds the index', async () => {
    const { out } = await damagedFolder();
    const page = await runExperiments([fake('second', 2)], { budget: 'quick', seed: '1', outDir: out, quiet: true });
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('data-experiment="second"');
    expect(html).toContain('data-damaged="garbage"');
  });

  it('an index.html that is a folder is bad input for run and report, before any experiment runs', async () => {
    const out = mkdtempSync(join(tmpdir(), 'localprop-index-dir-'));
    mkdirSync(join(out, 'index.html'));
    for (const args of [
      ['report', '--out', out],
      ['run', 'activations', '--quiet', '--out', out],
    ]) {
      const r = await runCli(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(
        /^localprop: --out "[^"]+": \S+index\.html is not a regular file, so no report can go there\n$/,
      );
    }
  });
});
