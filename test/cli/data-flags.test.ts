import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadDigits } from '../../src/data/datasets.ts';
import { runCli } from '../helpers/run-cli.ts';
import { fixture, freshOut, root } from './clean-failure.ts';

const digitsNet = 'nets/digits-64-32-10.net.json';

describe('train --data FILE.csv', () => {
  it('a CSV of the digits trains to the same bytes as --dataset digits (same patterns, same seed)', async () => {
    const digits = loadDigits();
    const csv = `${digits.inputs.map((x, p) => [...x, digits.labels[p]].join(',')).join('\n')}\n`;
    const plain = fixture('digits.csv', csv);
    writeFileSync(join(root, 'digits.csv.gz'), gzipSync(csv));
    const run = async (args: string[]) => {
      const out = freshOut();
      const r = await runCli([
        'train',
        '--net',
        digitsNet,
        '--epochs',
        '1',
        '--seed',
        '3',
        '--limit',
        '300',
        '--out',
        out.file,
        ...args,
      ]);
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(out.file, 'utf8');
    };
    const fromDataset = await run(['--dataset', 'digits']);
    expect(await run(['--data', plain])).toBe(fromDataset);
    expect(await run(['--data', join(root, 'digits.csv.gz')])).toBe(fromDataset);
  });
});

describe('train --dataset fashion-mnist', () => {
  const net = fixture('fm.net.json', {
    input: [1, 28, 28],
    layers: [
      { type: 'dense', units: 16, activation: 'tanh' },
      { type: 'dense', units: 10 },
    ],
    loss: 'softmax-cross-entropy',
  });
  const run = async (seed: string) => {
    const out = freshOut();
    const r = await runCli([
      'train',
      '--net',
      net,
      '--dataset',
      'fashion-mnist',
      '--limit',
      '300',
      '--test-limit',
      '200',
      '--epochs',
      '2',
      '--lr',
      '0.05',
      '--seed',
      seed,
      '--out',
      out.file,
    ]);
    expect(r.code, r.stderr).toBe(0);
    return { summary: JSON.parse(r.stdout), params: readFileSync(out.file, 'utf8') };
  };

  it('--limit and --test-limit take a seeded choice of the official train and test files, and it learns', async () => {
    const a = await run('1');
    expect(a.summary.trainPatterns).toBe(300);
    expect(a.summary.testPatterns).toBe(200);
    // 300 patterns, 2 epochs: far above chance (10%) on held-out images it never saw.
    expect(a.summary.epochs[1].test.accuracy).toBeGreaterThan(0.4);
    expect((await run('1')).params).toBe(a.params);
    expect((await run('2')).params).not.toBe(a.params);
  });
});
