import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listExperimentFiles, loadExperiment, runExperiment, type Experiment } from '../../src/report/index.ts';
import { runCli } from '../helpers/run-cli.ts';

const dirs: string[] = [];
const fresh = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'localprop-report-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const names = listExperimentFiles().map((f) => f.name);

describe('localprop run / list / report', () => {
  it('run writes data, specs, SVG, PNG and a self-contained index.html, and prints its path', async () => {
    const out = fresh();
    const r = await runCli(['run', 'activations', '--quick', '--seed', '7', '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(''); // --quiet
    expect(r.stdout.trim()).toBe(join(out, 'index.html'));

    const files = readdirSync(join(out, 'activations')).sort();
    const summary = JSON.parse(readFileSync(join(out, 'activations', 'summary.json'), 'utf8'));
    expect(summary.charts.length).toBeGreaterThan(0);
    expect(files).toEqual(
      [
        'data.json',
        'summary.json',
        ...summary.charts.flatMap((c: string) => [`${c}.png`, `${c}.svg`, `${c}.vl.json`]),
      ].sort(),
    );
    for (const chart of summary.charts as string[]) {
      const spec = JSON.parse(readFileSync(join(out, 'activations', `${chart}.vl.json`), 'utf8'));
      expect(spec.config.font).toBe('DejaVu Sans');
      expect(
        readFileSync(join(out, 'activations', `${chart}.png`))
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
    }

    const html = readFileSync(join(out, 'index.html'), 'utf8');
    for (const chart of summary.charts as string[])
      expect(html).toMatch(new RegExp(`data-chart="activations/${chart}"><div class="chart-body"><svg`));
    expect(html).toContain('npm run -s localprop -- run activations --quick --seed 7');
    expect(html).toContain('npx tsx experiments/01-activations.ts --seed 7');
    // Offline: nothing is loaded from elsewhere (SVG namespaces are names, not requests).
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).not.toMatch(/<link|<script src/);
  });

  it('report rebuilds the same index.html from the folder', async () => {
    const out = fresh();
    expect((await runCli(['run', 'activations', '--out', out, '--quiet'])).code).toBe(0);
    const page = readFileSync(join(out, 'index.html'), 'utf8');
    writeFileSync(join(out, 'index.html'), 'stale');
    const r = await runCli(['report', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe(page);
  });

  it('report on a folder without results is bad input (exit 2)', async () => {
    const r = await runCli(['report', '--out', fresh()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no experiment results found/);
  });

  it('an unknown experiment exits 2 listing the valid names, and writes nothing', async () => {
    const out = fresh();
    const r = await runCli(['run', 'activations', 'no-such-thing', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('"no-such-thing"');
    for (const name of names) expect(r.stderr).toContain(name);
    expect(readdirSync(out)).toEqual([]);
  });

  it('--quick and --full together are bad input', async () => {
    const r = await runCli(['run', 'activations', '--quick', '--full', '--out', fresh()]);
    expect(r.code).toBe(2);
  });

  it('list prints one line per experiment file: name and description', async () => {
    const r = await runCli(['list']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(names);
    for (const l of lines) expect(l.split(/\s{2,}/)[1]!.length).toBeGreaterThan(20);
  });
});

describe('determinism', () => {
  // The real regression experiment (random data, init and pattern order, every rule) on a tiny budget.
  async function tiny(): Promise<{ experiment: Experiment; file: (typeof files)[number] }> {
    const file = files.find((f) => f.name === 'regression')!;
    const experiment = (await loadExperiment(file)) as Experiment<Record<string, unknown>>;
    const budget = { patterns: 12, hidden: 4, epochs: 3, η: [0.05, 0.01], grid: 9 };
    return { experiment: { ...experiment, budgets: { quick: budget, full: budget } } as Experiment, file };
  }
  const files = listExperimentFiles();

  it('the same seed gives a byte-identical data.json (and SVG); another seed does not', async () => {
    const { experiment, file } = await tiny();
    const run = async (seed: string): Promise<string> => {
      const out = fresh();
      await runExperiment(experiment, file, { budget: 'quick', seed, outDir: out, quiet: true });
      return out;
    };
    const [a, b, c] = [await run('3'), await run('3'), await run('4')];
    const read = (dir: string, f: string): Buffer => readFileSync(join(dir, 'regression', f));
    expect(read(a, 'data.json').equals(read(b, 'data.json'))).toBe(true);
    expect(read(a, 'fit.svg').equals(read(b, 'fit.svg'))).toBe(true);
    expect(read(a, 'data.json').equals(read(c, 'data.json'))).toBe(false);
    expect(readdirSync(join(a, 'regression'))).not.toContain('timings.json');
  });
});
