import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerGradcheck } from '../../src/cli/gradcheck.ts';
import { InputError } from '../../src/core/errors.ts';
import { createRandom } from '../../src/core/random.ts';
import { randomPatterns } from '../../src/gradcheck/random-patterns.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';

const dir = mkdtempSync(join(tmpdir(), 'localprop-gradcheck-'));
const file = (name: string, content: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

/** The gradcheck command on its own program, run in-process; process.exitCode is what the action set. */
async function gradcheck(args: string[]): Promise<{
  stdout: string;
  stderr: string;
  exitCode: number | string | undefined;
  json: Record<string, unknown> | null;
}> {
  const program = new Command('localprop').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerGradcheck(program);
  for (const command of program.commands) command.exitOverride();
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  try {
    await program.parseAsync(['gradcheck', ...args], { from: 'user' });
    return {
      stdout,
      stderr,
      exitCode: process.exitCode,
      json: stdout ? (JSON.parse(stdout) as Record<string, unknown>) : null,
    };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

const digitsNet = 'nets/digits-64-32-10.net.json';

// A 2-2-1 relu net whose hidden unit 0 sits exactly at its kink for the one pattern (z_0 = 1·0.5 − 1·0.5 + 0).
const reluNet = file('relu.net.json', {
  input: [2],
  layers: [
    { type: 'dense', units: 2, activation: 'relu' },
    { type: 'dense', units: 1, activation: 'identity' },
  ],
  loss: 'mse',
});
const kinkParams = file('kink.params.json', {
  layers: [
    {
      weights: [
        [1, -1],
        [0.5, 0.25],
      ],
      bias: [0, 0.1],
    },
    { weights: [[0.7, -0.3]], bias: [0.05] },
  ],
});
const kinkData = file('kink.data.json', { inputs: [[0.5, 0.5]], targets: [[1]] });

describe('localprop gradcheck', () => {
  it('passes on the digits net with params from the seed and random patterns, and prints the JSON result', async () => {
    const { json, exitCode, stderr } = await gradcheck(['--net', digitsNet, '--directions', '3']);
    expect(exitCode ?? 0).toBe(0);
    expect(stderr).toBe('');
    expect(json).toMatchObject({
      passed: true,
      threshold: 1e-6,
      checked: 6,
      mode: 'directions',
      patterns: 4,
      linearizeRectifiers: false,
    });
    expect(json!['worstRelativeError'] as number).toBeLessThanOrEqual(1e-6);
    expect(Object.keys(json!).slice(0, 5)).toEqual(['worstRelativeError', 'worst', 'checked', 'passed', 'threshold']);
    expect(json!['worst']).toHaveProperty('layer');
  });

  it('is deterministic for a seed', async () => {
    const a = await gradcheck(['--net', digitsNet, '--directions', '2', '--seed', '9']);
    const b = await gradcheck(['--net', digitsNet, '--directions', '2', '--seed', '9']);
    const c = await gradcheck(['--net', digitsNet, '--directions', '2', '--seed', '10']);
    expect(a.stdout).toBe(b.stdout);
    expect(c.json!['loss']).not.toBe(a.json!['loss']);
  });

  it('fails a relu net at its kink with exit code 1 and one line on stderr, \
and passes it with --linearize-rectifiers', async () => {
    const failed = await gradcheck(['--net', reluNet, '--params', kinkParams, '--data', kinkData]);
    expect(failed.exitCode).toBe(1);
    expect(failed.json).toMatchObject({ passed: false, checked: 9, worst: { layer: 0 } });
    expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    expect(failed.stderr).toMatch(
      /gradcheck failed: worst relative error 1 > 0\.000001 at layer 0 .*try --linearize-rectifiers/,
    );

    const passed = await gradcheck([
      '--net',
      reluNet,
      '--params',
      kinkParams,
      '--data',
      kinkData,
      '--linearize-rectifiers',
    ]);
    expect(passed.exitCode ?? 0).toBe(0);
    expect(passed.json).toMatchObject({ passed: true, linearizeRectifiers: true });
  });

  it('takes --epsilon and --no-richardson', async () => {
    const { json } = await gradcheck([
      '--net',
      reluNet,
      '--params',
      kinkParams,
      '--data',
      kinkData,
      '--linearize-rectifiers',
      '--no-richardson',
      '--epsilon',
      '1e-6',
    ]);
    expect(json).toMatchObject({ richardson: false, epsilon: 1e-6, passed: true });
  });

  it('throws InputError for a malformed net file (naming it) and for params that do not fit the net', async () => {
    const broken = file('broken.net.json', '{ "input": [2], ');
    await expect(gradcheck(['--net', broken])).rejects.toThrow(InputError);
    await expect(gradcheck(['--net', broken])).rejects.toThrow(/broken\.net\.json: malformed JSON/);
    await expect(gradcheck(['--net', digitsNet, '--params', kinkParams])).rejects.toThrow(InputError);
    await expect(
      gradcheck(['--net', reluNet, '--data', file('wide.data.json', { inputs: [[1, 2, 3]], targets: [[1]] })]),
    ).rejects.toThrow(/inputs\[0\] has 3 values, but the net needs 2/);
  });

  it('rejects a non-positive --epsilon and a non-integer --directions as usage errors', async () => {
    await expect(gradcheck(['--net', digitsNet, '--epsilon', '0'])).rejects.toThrow(CommanderError);
    await expect(gradcheck(['--net', digitsNet, '--directions', '2.5'])).rejects.toThrow(CommanderError);
  });
});

describe('randomPatterns', () => {
  it('draws N(0,1) inputs; one-hot targets for softmax-cross-entropy, N(0,1) targets for mse', () => {
    const ce = parseNetSpec({
      input: [1, 3, 3],
      layers: [
        { type: 'conv', filters: 2, kernel: 2 },
        { type: 'dense', units: 4 },
      ],
      loss: 'softmax-cross-entropy',
    });
    const a = randomPatterns(ce, 50, createRandom(1));
    expect(a.inputs).toHaveLength(50);
    expect(a.inputs.every((x) => x.length === 9)).toBe(true);
    for (const t of a.targets) {
      expect(t.length).toBe(4);
      expect(t.filter((v) => v === 1)).toHaveLength(1);
      expect(t.filter((v) => v === 0)).toHaveLength(3);
    }
    // Every class turns up.
    expect(new Set(a.targets.map((t) => t.indexOf(1))).size).toBe(4);
    const mse = parseNetSpec({ input: [3], layers: [{ type: 'dense', units: 2, activation: 'tanh' }], loss: 'mse' });
    const b = randomPatterns(mse, 400, createRandom(2));
    const values = b.targets.flatMap((t) => Array.from(t));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.2);
    expect(Math.abs(variance - 1)).toBeLessThan(0.2);
    expect(randomPatterns(mse, 3, createRandom(2)).inputs).toEqual(randomPatterns(mse, 3, createRandom(2)).inputs);
  });
});
