/** `localprop sweep` from the command line: bad study files, the Slurm script, the summary lines. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { freshFolder, root, tinyGrid, writeStudy } from './fixtures.ts';

describe('localprop sweep', () => {
  const grid = { ...tinyGrid, net: 'x', dataset: 'digits' };
  const bad: [string, string, RegExp][] = [
    ['unknown key', JSON.stringify({ name: 'b', grid, seeds: [1] }), /b1\.study\.json: unknown field "seeds"/],
    ['malformed JSON', '{ "name": "b", ', /b2\.study\.json: malformed JSON/],
    [
      'bad axis value',
      JSON.stringify({ name: 'b', grid: { ...grid, epochs: 0 } }),
      /b3\.study\.json: grid\.epochs: expected a positive integer, got 0/,
    ],
  ];
  for (const [k, [what, text, message]] of bad.entries()) {
    it(`a study file with a ${what}: exit 2, one line naming the file and field, nothing written`, async () => {
      const path = join(root, `b${k + 1}.study.json`);
      writeFileSync(path, text);
      const out = join(freshFolder(), 'never');
      const r = await runCli(['sweep', path, '--out', out, '--quiet']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^localprop: [^\n]+\n$/);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    });
  }

  it('--slurm writes an array script for the study and runs nothing', async () => {
    const study = writeStudy('slurm', tinyGrid);
    const out = freshFolder();
    const r = await runCli(['sweep', study, '--out', out, '--slurm', '--shard-count', '2', '--workers', '3']);
    expect(r.code, r.stderr).toBe(0);
    const script = readFileSync(join(out, 'slurm.sbatch'), 'utf8');
    expect(script).toMatch(/^#!\/bin\/bash\n/);
    expect(script).toMatch(/^#SBATCH --array=0-1$/m);
    expect(script).toMatch(/^#SBATCH --cpus-per-task=3$/m);
    expect(script).toMatch(/ sweep '[^']*slurm\.study\.json' \\\n {2}--out '[^']*'\/shard-"\$SLURM_ARRAY_TASK_ID" /);
    expect(r.stdout).toContain(`submit with: sbatch ${join(out, 'slurm.sbatch')}`);
    expect(existsSync(join(out, 'study.json'))).toBe(false);
  });

  it('runs a study and prints one line per group with the mean ± 95 % interval', async () => {
    const study = writeStudy('cli', { ...tinyGrid, rule: 'backprop' });
    const out = freshFolder();
    const r = await runCli(['sweep', study, '--out', out, '--workers', '1']);
    expect(r.code, r.stderr).toBe(0);
    // Not a terminal: one plain line per finished cell.
    const cellLine = /^cli: cell \d\/2 backprop-s\d-[0-9a-f]{12}: test error \d+\.\d\d % \(at \d+\.\d s\)$/gm;
    expect(r.stderr.match(cellLine)).toHaveLength(2);
    const head = 'cli: 2 cells, mean ± 95 % interval over seeds\n';
    const group = 'backprop {2}matrix {2}η=0\\.02 {2}epochs=1 {2}n=2 {2}test error \\d+\\.\\d\\d ± \\d+\\.\\d\\d %\n';
    expect(r.stdout).toMatch(new RegExp(`^${head}${group}$`));
  });
  it('more cells than Node allows listeners on one signal by default (10): --quiet prints one line, no warning', async () => {
    const seeds = Array.from({ length: 12 }, (_, k) => k + 1);
    const study = writeStudy('many', { ...tinyGrid, rule: 'backprop', limit: 20, testLimit: 20, seed: seeds });
    const r = await runCli(['sweep', study, '--out', freshFolder(), '--workers', '2', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^many: 12 cells run, 0 already finished → \S+\n$/);
  });
});

describe('localprop sweep, inputs checked before anything is written', () => {
  it('a data set that does not fit the net: exit 2, one line, no folder', async () => {
    const study = writeStudy('misfit', { ...tinyGrid, dataset: 'iris' });
    const out = join(freshFolder(), 'never');
    const r = await runCli(['sweep', study, '--out', out, '--quiet']);
    expect(r.code).toBe(2);
    const message =
      /^localprop: \S+misfit\.study\.json: dataset iris has 4 inputs and 3 classes, but net \S+ takes 64 /;
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/ outputs\n$/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('localprop sweep, Ctrl-C and SIGTERM', () => {
  const cases: [NodeJS.Signals, number][] = [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ];
  for (const [signal, exitCode] of cases) {
    it(`${signal} after the first cell: exit ${exitCode}, the finished cells kept, \
the message says how to resume`, async () => {
      const { spawn } = await import('node:child_process');
      const { readdirSync } = await import('node:fs');
      const study = writeStudy(`signal-${signal}`, { ...tinyGrid, epochs: 4, limit: null, testLimit: null });
      const out = freshFolder();
      const args = ['--import', 'tsx', 'src/cli/main.ts', 'sweep', study, '--out', out, '--workers', '1'];
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let sent = false;
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += String(chunk);
        if (!sent && /cell 1\/4/.test(stderr)) sent = child.kill(signal);
      });
      const code = await new Promise<number | null>((done) => child.on('close', done));
      expect(code, stderr).toBe(exitCode);
      const kept = readdirSync(out).filter((f) => f.endsWith('.cell.json'));
      expect(kept.length).toBeGreaterThanOrEqual(1);
      expect(kept.length).toBeLessThan(4);
      const message =
        `localprop: interrupted \\(${signal}\\): ${kept.length} of 4 cells finished and kept in \\S+; ` +
        `the same command runs the other ${4 - kept.length}\\n$`;
      expect(stderr).toMatch(new RegExp(message));
    }, 60_000);
  }
});
