import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/core/errors.ts';
import type { Experiment } from '../../src/report/experiment.ts';
import { runExperiments } from '../../src/report/runner.ts';

const chart = {
  data: { values: [{ x: 1, y: 2 }] },
  mark: 'point',
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
} as const;

function fake(name: string, order: number, onRun: () => void = () => {}) {
  const experiment: Experiment = {
    name,
    description: `fake ${name}`,
    budgets: { quick: {}, full: {} },
    async run() {
      onRun();
      return { data: { name, fresh: true }, specs: { points: chart }, headline: [{ name }] };
    },
  };
  return {
    experiment,
    file: { name, order, file: `experiments/0${order}-${name}.ts`, path: `/nowhere/0${order}-${name}.ts` },
  };
}

describe('an interrupted run (SIGINT)', () => {
  it('keeps finished and earlier results, writes nothing of the interrupted experiment, \
and names what did not finish', async () => {
    const out = mkdtempSync(join(tmpdir(), 'localprop-interrupt-'));
    // Results of an earlier run of the third experiment, which must survive untouched.
    mkdirSync(join(out, 'third'));
    writeFileSync(join(out, 'third', 'data.json'), '{"earlier":true}\n');

    const experiments = [fake('first', 1), fake('second', 2, () => void process.emit('SIGINT')), fake('third', 3)];
    const error = await runExperiments(experiments, { budget: 'quick', seed: '1', outDir: out, quiet: true }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as Error).message).toMatch(/did not finish second, third; finished first/);
    expect(JSON.parse(readFileSync(join(out, 'first', 'data.json'), 'utf8'))).toEqual({ name: 'first', fresh: true });
    expect(existsSync(join(out, 'second'))).toBe(false);
    expect(readFileSync(join(out, 'third', 'data.json'), 'utf8')).toBe('{"earlier":true}\n');
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]); // no staging folders left behind
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('fake first');
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('replaces an experiment folder whole: files of an earlier run that this run did not write are gone', async () => {
    const out = mkdtempSync(join(tmpdir(), 'localprop-replace-'));
    mkdirSync(join(out, 'first'));
    writeFileSync(join(out, 'first', 'renamed-chart.svg'), '<svg/>');
    await runExperiments([fake('first', 1)], { budget: 'quick', seed: '1', outDir: out, quiet: true });
    expect(readdirSync(join(out, 'first')).sort()).toEqual([
      'data.json',
      'points.png',
      'points.svg',
      'points.vl.json',
      'summary.json',
    ]);
  });
});

describe('Ctrl-C on a real `localprop run`', () => {
  it('exits 130, keeps the finished experiment and names the unfinished one', async () => {
    const out = mkdtempSync(join(tmpdir(), 'localprop-sigint-'));
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'run', 'activations', 'regression', '--quick', '--out', out],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        // stderr is not a terminal, so each finished experiment prints one line.
        if (/activations: done/.test(stderr) && !child.killed) child.kill('SIGINT');
      });
      child.on('close', resolve);
    });
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/did not finish regression; finished activations/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(out, 'activations', 'summary.json'))).toBe(true);
    expect(existsSync(join(out, 'regression'))).toBe(false);
  });
});
