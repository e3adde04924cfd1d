/**
 * `train --data FILE --no-shuffle` presents the patterns in the file's order: one epoch of
 * per-pattern SGD on a 1-1 linear unit (E = ½(y − t)², δw = −η·x·(y − t), δb = −η·(y − t))
 * equals the trajectory worked out by hand below.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { splitDataset } from '../../src/data/datasets.ts';
import { runCli } from '../helpers/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'localprop-file-order-'));
const net = join(dir, 'linear.net.json');
const params = join(dir, 'start.params.json');
const data = join(dir, 'three.data.json');
const layers = [{ type: 'dense', units: 1, activation: 'identity' }];
writeFileSync(net, JSON.stringify({ input: [1], layers, loss: 'mse' }));
writeFileSync(params, JSON.stringify({ layers: [{ weights: [[0.5]], bias: [0] }] }));
writeFileSync(data, JSON.stringify({ inputs: [[1], [2], [3]], targets: [[1], [0], [2]] }));

// η = 0.1 from w = 0.5, b = 0, in file order:
//   x=1 t=1: y = 0.5,   y−t = −0.5   → w = 0.55,   b = 0.05
//   x=2 t=0: y = 1.15,  y−t = 1.15   → w = 0.32,   b = −0.065
//   x=3 t=2: y = 0.895, y−t = −1.105 → w = 0.6515, b = 0.0455
const byHand = { w: 0.6515, b: 0.0455 };

async function oneEpoch(extra: string[]): Promise<{ w: number; b: number }> {
  const out = join(dir, `trained-${extra.join('')}.params.json`);
  const args = ['train', '--net', net, '--params', params, '--data', data];
  args.push('--epochs', '1', '--lr', '0.1', '--test-fraction', '0');
  const result = await runCli([...args, ...extra, '--out', out]);
  expect(result.code, result.stderr).toBe(0);
  const trained = JSON.parse(readFileSync(out, 'utf8')) as { layers: { weights: number[][]; bias: number[] }[] };
  const layer = trained.layers[0]!;
  return { w: layer.weights[0]![0]!, b: layer.bias[0]! };
}

describe('train --data FILE --no-shuffle', () => {
  it('follows the hand-computed one-epoch trajectory, in file order', async () => {
    const trained = await oneEpoch(['--no-shuffle']);
    expect(Math.abs(trained.w - byHand.w)).toBeLessThan(1e-12);
    expect(Math.abs(trained.b - byHand.b)).toBeLessThan(1e-12);
  });

  it('a shuffled epoch (another order) ends elsewhere: the comparison can see the order', async () => {
    // Seed 3 shuffles the three patterns out of file order (checked: the weights differ by > 1e-3).
    const trained = await oneEpoch(['--seed', '3']);
    expect(Math.abs(trained.w - byHand.w) + Math.abs(trained.b - byHand.b)).toBeGreaterThan(1e-3);
  });
});

describe('splitDataset with keepOrder', () => {
  const n = 40;
  const indexed = {
    inputs: Array.from({ length: n }, (_, p) => Float64Array.of(p)),
    targets: Array.from({ length: n }, () => Float64Array.of(0)),
  };
  const values = (d: { inputs: Float64Array[] }): number[] => d.inputs.map((x) => x[0]!);

  it('holds out a seeded fraction and keeps both parts in the source order', () => {
    const { train, test } = splitDataset(indexed, createRandom(7).derive('split'), 0.25, { keepOrder: true });
    const tr = values(train);
    const te = values(test);
    expect(te.length).toBe(10);
    expect([...tr, ...te].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, p) => p));
    for (const part of [tr, te]) for (let k = 1; k < part.length; k++) expect(part[k]).toBeGreaterThan(part[k - 1]!);
  });

  it('without it the parts come in the seeded permutation (the control: the check above can fail)', () => {
    const tr = values(splitDataset(indexed, createRandom(7).derive('split'), 0.25).train);
    expect(tr.some((v, k) => k > 0 && v < tr[k - 1]!)).toBe(true);
  });
});
