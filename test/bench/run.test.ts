/**
 * `npm run bench` end to end on a small case: the matrix engine alone on 784-16-10 (--quick), its
 * cases checked, timed and written to bench.json; and a bad option refused with one line, exit 2,
 * nothing written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchJson } from '../../bench/results.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'localprop-bench-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bench = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { cwd: ROOT, encoding: 'utf8' });

describe('npm run bench', () => {
  it('checks, times and records every case of the contenders it is given', () => {
    const out = join(dir, 'small');
    const r = bench(['--quick', '--only', 'matrix', '--hidden', '16', '--no-conv', '--no-scaling', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8')) as BenchJson;
    expect(json.nets.map((n) => n.name)).toEqual(['784-16-10']);
    const results = json.nets[0]!.results;
    expect(results.map((c) => [c.contender, c.batch, c.status])).toEqual([
      ['matrix', 1, 'ok'],
      ['matrix', 32, 'ok'],
    ]);
    for (const c of results) {
      expect(c.check).toMatchObject({ patterns: 256, batch: c.batch, passed: true });
      expect(c.check!.lossAfter).toBeLessThan(c.check!.lossBefore);
      expect(c.reps).toBe(3);
      expect(c.timing!.wall).toHaveLength(3);
      expect(c.timing!.samplesPerSecond).toBeGreaterThan(0);
      expect(c.written).toContain('learnBatch');
    }
    // Its targets name 784-128-10 and 784-512-10, which this run did not measure.
    expect(json.targets.length).toBeGreaterThan(0);
    expect(json.targets.every((t) => t.value === null && t.met === null)).toBe(true);
    expect(r.stdout).toContain('784-16-10');
  });

  it('refuses a bad option with one line on stderr, exit 2, and writes nothing', () => {
    const out = join(dir, 'bad');
    const r = bench(['--hidden', 'abc', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'bench: --hidden: expected positive integers separated by commas, got abc',
    ]);
    expect(existsSync(out)).toBe(false);
  });
});
