import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/report/index.ts';

const out = mkdtempSync(join(tmpdir(), 'localprop-standalone-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const tsx = (args: string[]) =>
  spawnSync(process.execPath, [join(PACKAGE_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), ...args], {
    cwd: PACKAGE_ROOT,
    encoding: 'utf8',
  });

describe('an experiment file runs on its own', () => {
  it('npx tsx experiments/01-activations.ts writes its folder and the report, and prints the path', () => {
    const r = tsx(['experiments/01-activations.ts', '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(join(out, 'index.html'));
    expect(readdirSync(out).sort()).toEqual(['activations', 'index.html']);
    expect(readdirSync(join(out, 'activations'))).toContain('data.json');
  });

  it('a bad flag exits 2 with one line', () => {
    const r = tsx(['experiments/01-activations.ts', '--fast']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--fast/);
  });
});
