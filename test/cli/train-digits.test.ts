import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

const net = 'nets/digits-64-32-10.net.json';
const trainArgs = (seed: string, out: string) => [
  'train',
  '--net',
  net,
  '--dataset',
  'digits',
  '--epochs',
  '10',
  '--lr',
  '0.01',
  '--seed',
  seed,
  '--out',
  out,
];

describe('localprop train on digits (64-32-10, tanh, softmax-CE, per-pattern SGD)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'localprop-train-'));

  it('reaches ≥ 95% held-out accuracy within 10 epochs, and prints every epoch', async () => {
    const { code, stdout, stderr } = await runCli(trainArgs('1', join(dir, 'a.params.json')));
    expect(code).toBe(0);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[9]).toMatch(/^epoch 10\/10 +train loss [\d.]+ acc [\d.]+% +test loss [\d.]+ acc [\d.]+%$/);
    const summary = JSON.parse(stdout) as { epochs: { test: { accuracy: number } }[] };
    const best = Math.max(...summary.epochs.map((e) => e.test.accuracy));
    expect(best).toBeGreaterThanOrEqual(0.95);
    expect(summary.epochs[9]!.test.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('writes a byte-identical params file for the same seed, and a different one for another seed', async () => {
    await runCli(trainArgs('7', join(dir, 'b.params.json')));
    await runCli(trainArgs('7', join(dir, 'c.params.json')));
    await runCli(trainArgs('8', join(dir, 'd.params.json')));
    const b = readFileSync(join(dir, 'b.params.json'));
    expect(b.equals(readFileSync(join(dir, 'c.params.json')))).toBe(true);
    expect(b.equals(readFileSync(join(dir, 'd.params.json')))).toBe(false);
  });
});

describe('localprop train: the summary and --help', () => {
  it("the JSON summary records the rule's options as given and the SGD settings, so the run can be repeated", async () => {
    const args = ['train', '--net', net, '--dataset', 'digits', '--epochs', '1', '--limit', '50', '--test-limit', '20'];
    const merged = await runCli([...args, '--rule', 'merged', '--beta', '0.05', '--symmetric', '--lr', '0.02']);
    expect(merged.code, merged.stderr).toBe(0);
    const a = JSON.parse(merged.stdout) as Record<string, unknown>;
    expect(a['rule']).toBe('merged');
    expect(a['ruleOptions']).toEqual({ beta: 0.05, symmetric: true });
    expect(a['sgd']).toEqual({ lr: 0.02, batch: 1, momentum: 0, weightDecay: 0, shuffle: true });
    const plain = await runCli([...args, '--batch', '4', '--momentum', '0.9', '--lr-steps', '1', '--no-shuffle']);
    const b = JSON.parse(plain.stdout) as Record<string, unknown>;
    expect(b).not.toHaveProperty('ruleOptions');
    expect(b['sgd']).toEqual({
      lr: 0.01,
      batch: 4,
      momentum: 0.9,
      weightDecay: 0,
      lrSteps: [1],
      lrGamma: 0.1,
      shuffle: false,
    });
  });

  it('--help lists the overlap options after the delays they build on, not first', async () => {
    const { stdout } = await runCli(['train', '--help']);
    const at = (flag: string) => stdout.indexOf(`  ${flag} `);
    expect(at('--net')).toBeLessThan(at('--present-every'));
    expect(at('--delay-jitter')).toBeLessThan(at('--present-every'));
    expect(at('--present-every')).toBeLessThan(at('--weights'));
    expect(at('--weights')).toBeLessThan(at('--engine'));
  });
});
