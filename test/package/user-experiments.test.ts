/**
 * The package's user-facing commands, from the sources: `run ./my-experiment.ts` (a user's own file),
 * `list` and `list NAME`, `new-experiment NAME`, and results written to ./results where the user stands.
 * test/package/user-side.sh does the same from a packed, installed package.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { firstSentence } from '../../src/cli/list.ts';
import { experimentTemplate } from '../../src/cli/new-experiment.ts';
import { listExperimentFiles, loadExperiment, PACKAGE_ROOT, userExperimentFile } from '../../src/report/index.ts';
import { runCli } from '../helpers/run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'localprop-user-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const fresh = (): string => mkdtempSync(join(root, `case-${++folders}-`));

/** A user's experiment that imports nothing: its data are a function of the seed. */
const tinyExperiment = (name: string): string => `
const experiment = {
  name: '${name}',
  description: 'A tiny user experiment. It draws three numbers.',
  budgets: { quick: { n: 3 }, full: { n: 30 } },
  async run({ budget, random }) {
    const draws = Array.from({ length: budget.n }, () => random.uniform());
    return { data: { draws }, specs: {}, headline: [{ draws: draws.length }] };
  },
};
export default experiment;
`;

/** The CLI from the sources, started in `cwd` (as `npm run localprop` would, but anywhere). */
function localpropIn(cwd: string, args: string[]) {
  const tsx = join(PACKAGE_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const cli = join(PACKAGE_ROOT, 'src', 'cli', 'main.ts');
  return spawnSync(process.execPath, [tsx, cli, ...args], { cwd, encoding: 'utf8' });
}

function expectOneLineFailure(r: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/^localprop: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
  expect(r.stdout).toBe('');
}

describe('localprop run ./my-experiment.ts', () => {
  it('runs a user file like a shipped experiment: same folder, same report, name from the file', async () => {
    const dir = fresh();
    const file = join(dir, 'my-idea.ts');
    writeFileSync(file, tinyExperiment('my-idea'));
    const out = join(dir, 'results');
    const r = await runCli(['run', 'activations', file, '--seed', '3', '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['activations', 'index.html', 'my-idea']);
    const data = readFileSync(join(out, 'my-idea', 'data.json'), 'utf8');
    expect(JSON.parse(data).draws).toHaveLength(3);
    const summary = JSON.parse(readFileSync(join(out, 'my-idea', 'summary.json'), 'utf8'));
    expect(summary.order).toBe(100); // after the shipped experiments
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('data-experiment="my-idea"');
    expect(html.indexOf('data-experiment="activations"')).toBeLessThan(html.indexOf('data-experiment="my-idea"'));

    // The same seed gives the same bytes; another seed other draws (the comparison can see a difference).
    expect((await runCli(['run', file, '--seed', '3', '--out', out, '--quiet'])).code).toBe(0);
    expect(readFileSync(join(out, 'my-idea', 'data.json'), 'utf8')).toBe(data);
    expect((await runCli(['run', file, '--seed', '4', '--out', out, '--quiet'])).code).toBe(0);
    expect(readFileSync(join(out, 'my-idea', 'data.json'), 'utf8')).not.toBe(data);
  });

  it('an NN- prefix gives the reading order; .js files run too', async () => {
    const dir = fresh();
    const file = join(dir, '03-early.js');
    writeFileSync(file, tinyExperiment('early'));
    expect(userExperimentFile(file)).toMatchObject({ name: 'early', order: 3, user: true });
    const r = await runCli(['run', file, '--out', join(dir, 'results'), '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'results', 'early', 'data.json'))).toBe(true);
  });

  it('bad files are bad input: exit 2, one line, nothing written', async () => {
    const dir = fresh();
    const out = join(dir, 'results');
    const cases: [string, string, RegExp][] = [
      ['no-export.ts', 'export const x = 1;\n', /no-export\.ts: expected `export default experiment`/],
      ['wrong-name.ts', tinyExperiment('other-name'), /does not match the file name/],
      ['imports-nothing.ts', 'import { x } from "./nowhere.ts";\nexport default x;\n', /load.*Cannot find module/],
      ['Bad_Name.ts', tinyExperiment('bad'), /expected lower case words joined by dashes/],
      ['notes.txt', 'hello', /expected an experiment file ending in \.ts/],
    ];
    for (const [name, text, pattern] of cases) {
      writeFileSync(join(dir, name), text);
      expectOneLineFailure(await runCli(['run', join(dir, name), '--out', out, '--quiet']), pattern);
    }
    const missing = await runCli(['run', join(dir, 'missing.ts'), '--out', out]);
    expectOneLineFailure(missing, /missing\.ts: no such experiment file/);
    writeFileSync(join(dir, 'activations.ts'), tinyExperiment('activations'));
    const twice = await runCli(['run', 'activations', join(dir, 'activations.ts'), '--out', out]);
    expectOneLineFailure(twice, /two experiments named "activations"/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('localprop list', () => {
  it('prints one line per experiment: its name and the first sentence of its description', async () => {
    const r = await runCli(['list']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    const files = listExperimentFiles();
    expect(lines).toHaveLength(files.length);
    let cut = 0;
    for (const [i, file] of files.entries()) {
      const description = (await loadExperiment(file)).description;
      const [name, summary] = lines[i]!.split(/ {2,}/);
      expect(name).toBe(file.name);
      expect(description.startsWith(summary!)).toBe(true);
      expect(summary).toMatch(/[.!?]$/);
      expect(summary).not.toMatch(/[.!?] [A-Z]/);
      if (summary!.length < description.length) cut++;
    }
    // Descriptions of several sentences are really cut to their first.
    expect(cut).toBeGreaterThan(0);
  });

  it('list NAME prints the full description and the budgets', async () => {
    const experiment = await loadExperiment(listExperimentFiles().find((f) => f.name === 'merged-bias')!);
    const r = await runCli(['list', 'merged-bias']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(experiment.description);
    expect(r.stdout).toContain(`quick budget: ${JSON.stringify(experiment.budgets.quick)}`);
    expectOneLineFailure(await runCli(['list', 'no-such-experiment']), /unknown experiment "no-such-experiment"/);
  });

  it('firstSentence stops at a sentence end, not at a decimal point or an abbreviation', () => {
    expect(firstSentence('Slope 1.5 here. Then more.')).toBe('Slope 1.5 here.');
    expect(firstSentence('It uses e.g. tanh; the end')).toBe('It uses e.g. tanh; the end');
    expect(firstSentence('One.\n  Two.')).toBe('One.');
  });
});

describe('localprop new-experiment NAME', () => {
  it('writes ./NAME.ts from the template, refuses a bad name or an existing file', () => {
    const dir = fresh();
    const run = (args: string[]) => localpropIn(dir, args);
    const r = run(['new-experiment', 'my-idea']);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'my-idea.ts'), 'utf8')).toBe(experimentTemplate('my-idea'));
    writeFileSync(join(dir, 'my-idea.ts'), 'mine');
    const again = run(['new-experiment', 'my-idea']);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/^localprop: my-idea\.ts already exists[^\n]*\n$/);
    expect(readFileSync(join(dir, 'my-idea.ts'), 'utf8')).toBe('mine');
    const bad = run(['new-experiment', 'My Idea']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^localprop: experiment name "My Idea": expected lower case words[^\n]*\n$/);
    expect(readdirSync(dir)).toEqual(['my-idea.ts']);
  });

  it('a file tsx cannot compile is bad input: exit 2, one line naming file, line and column', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'broken.ts'), 'export default {\n');
    const r = localpropIn(dir, ['run', './broken.ts']);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^localprop: broken\.ts: could not load the .*?: \S*broken\.ts:2:0: ERROR: [^\n]+\n$/);
    expect(readdirSync(dir)).toEqual(['broken.ts']);
  });

  it('run without --out writes ./results where it is started, not into the package', () => {
    const dir = fresh();
    const file = join(dir, 'here.ts');
    writeFileSync(file, tinyExperiment('here'));
    const r = localpropIn(dir, ['run', './here.ts', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${join('results', 'index.html')}\n`);
    expect(existsSync(join(dir, 'results', 'here', 'data.json'))).toBe(true);
    expect(existsSync(join(PACKAGE_ROOT, 'results', 'here'))).toBe(false);
  });
});
