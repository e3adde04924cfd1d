import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { encodeIdx, readIdx } from '../../src/data/idx.ts';
import { DEFAULT_DATA_DIRS, loadIdxDataset, loadIdxPair, resolveDataDir } from '../../src/data/mnist.ts';
import { inputErrorMessage } from '../helpers/input-error.ts';

const root = mkdtempSync(join(tmpdir(), 'localprop-mnist-'));

/** A tiny MNIST-like folder: n images of 3×2 pixels, labels k mod 10. */
function makeFolder(name: string, n: number, gzip: boolean, part: 'train' | 't10k' = 'train'): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const pixels = Uint8Array.from({ length: n * 6 }, (_, k) => (k * 53) % 256);
  const labels = Uint8Array.from({ length: n }, (_, k) => k % 10);
  const gz = gzip ? '.gz' : '';
  writeFileSync(join(dir, `${part}-images-idx3-ubyte${gz}`), encodeIdx([n, 3, 2], pixels, gzip));
  writeFileSync(join(dir, `${part}-labels-idx1-ubyte${gz}`), encodeIdx([n], labels, gzip));
  return dir;
}

describe('MNIST-format loader', () => {
  it('normalises pixels to p/255 exactly, one-hot labels, shape [1, rows, cols]', () => {
    for (const gzip of [false, true]) {
      const dir = makeFolder(`ok-${gzip}`, 12, gzip);
      const d = loadIdxDataset('mnist', 'train', { dataDir: dir });
      expect(d.inputs).toHaveLength(12);
      expect(d.shape).toEqual([1, 3, 2]);
      expect(Array.from(d.inputs[5]!)).toEqual(Array.from({ length: 6 }, (_, i) => (((30 + i) * 53) % 256) / 255));
      expect(d.labels[7]).toBe(7);
      expect(Array.from(d.targets[7]!)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
      expect(Math.max(...d.inputs.flatMap((x) => Array.from(x)))).toBeLessThanOrEqual(1);
    }
  });

  it('--pad p puts p zero pixels on every side: 3×2 → 7×6 with p = 2, the image in the middle', () => {
    const dir = makeFolder('pad', 12, false);
    const plain = loadIdxDataset('mnist', 'train', { dataDir: dir });
    const padded = loadIdxDataset('mnist', 'train', { dataDir: dir, pad: 2 });
    expect(padded.shape).toEqual([1, 7, 6]);
    const x = padded.inputs[5]!;
    expect(x).toHaveLength(42);
    for (let r = 0; r < 7; r++)
      for (let c = 0; c < 6; c++) {
        const inside = r >= 2 && r < 5 && c >= 2 && c < 4;
        expect(x[r * 6 + c], `(${r}, ${c})`).toBe(inside ? plain.inputs[5]![(r - 2) * 2 + (c - 2)] : 0);
      }
    expect(plain.inputs[5]!.some((v) => v !== 0)).toBe(true);
  });

  it('--limit keeps a seeded choice in file order: same seed, same patterns; another seed, others', () => {
    const dir = makeFolder('limit', 40, false);
    const pick = (seed: string) =>
      loadIdxDataset('mnist', 'train', { dataDir: dir, limit: 10, random: createRandom(seed) });
    const a = pick('1');
    const b = pick('1');
    const c = pick('2');
    expect(a.inputs).toHaveLength(10);
    expect(a.inputs.map((x) => Array.from(x))).toEqual(b.inputs.map((x) => Array.from(x)));
    expect(a.inputs.map((x) => Array.from(x))).not.toEqual(c.inputs.map((x) => Array.from(x)));
    const all = loadIdxDataset('mnist', 'train', { dataDir: dir });
    const index = a.inputs.map((x) => all.inputs.findIndex((y) => y.every((v, i) => v === x[i])));
    expect(index.every((p, k) => p >= 0 && (k === 0 || p > index[k - 1]!))).toBe(true);
  });

  it('takes the folder from --data-dir, else LOCALPROP_DATA, else the Debian default', () => {
    expect(resolveDataDir('fashion-mnist', '/a', { LOCALPROP_DATA: '/b' })).toEqual({ dir: '/a', from: '--data-dir' });
    expect(resolveDataDir('fashion-mnist', undefined, { LOCALPROP_DATA: '/b' })).toEqual({
      dir: '/b',
      from: 'LOCALPROP_DATA',
    });
    expect(resolveDataDir('fashion-mnist', undefined, {})).toEqual({
      dir: '/usr/share/datasets/fashion-mnist',
      from: 'default',
    });
    expect(resolveDataDir('mnist', undefined, { LOCALPROP_DATA: '' }).dir).toBe(DEFAULT_DATA_DIRS.mnist);
  });

  it('a missing folder says where it looked, all three places, and how to install', () => {
    const env = { LOCALPROP_DATA: join(root, 'nowhere') };
    const m = inputErrorMessage(() => loadIdxDataset('fashion-mnist', 'train', { env }));
    expect(m).toContain(`folder ${join(root, 'nowhere')} (from LOCALPROP_DATA) does not exist`);
    expect(m).toContain('--data-dir DIR');
    expect(m).toContain(`$LOCALPROP_DATA (${join(root, 'nowhere')})`);
    expect(m).toContain('/usr/share/datasets/fashion-mnist');
    expect(m).toContain('apt-get install dataset-fashion-mnist');
    // A folder with the training files only: the test files are named.
    const dir = makeFolder('train-only', 5, true);
    expect(inputErrorMessage(() => loadIdxDataset('fashion-mnist', 'test', { dataDir: dir }))).toContain(
      'has no t10k-images-idx3-ubyte[.gz] or t10k-labels-idx1-ubyte[.gz]',
    );
  });

  it('rejects labels that disagree with the images in count or range', () => {
    const dir = join(root, 'bad-labels');
    mkdirSync(dir);
    writeFileSync(join(dir, 'img'), encodeIdx([4, 2, 2], new Uint8Array(16)));
    writeFileSync(join(dir, 'lab3'), encodeIdx([3], Uint8Array.from([0, 1, 2])));
    writeFileSync(join(dir, 'lab4'), encodeIdx([4], Uint8Array.from([0, 1, 12, 2])));
    expect(inputErrorMessage(() => loadIdxPair(join(dir, 'img'), join(dir, 'lab3')))).toMatch(
      /lab3: 3 labels, but .*img has 4 images/,
    );
    expect(inputErrorMessage(() => loadIdxPair(join(dir, 'img'), join(dir, 'lab4')))).toMatch(
      /lab4: label 2 is 12, not a class 0\.\.9/,
    );
    expect(inputErrorMessage(() => loadIdxPair(join(dir, 'lab3'), join(dir, 'lab3')))).toMatch(
      /expected images of shape \[N, rows, cols\], got \[3\]/,
    );
  });
});

describe('Fashion-MNIST as Debian installs it (dataset-fashion-mnist)', () => {
  const dir = DEFAULT_DATA_DIRS['fashion-mnist'];

  it('is installed: .ci/run installs dataset-fashion-mnist', () => {
    expect(
      existsSync(join(dir, 'train-images-idx3-ubyte.gz')),
      `${dir} is missing: apt-get install dataset-fashion-mnist`,
    ).toBe(true);
  });

  it('has 60000 training and 10000 test images of 28×28, and 1000 test images per class', () => {
    const train = loadIdxDataset('fashion-mnist', 'train', { dataDir: dir, limit: 50, random: createRandom(1) });
    expect(train.shape).toEqual([1, 28, 28]);
    expect(train.inputs[0]).toHaveLength(784);
    const test = loadIdxDataset('fashion-mnist', 'test', { dataDir: dir });
    expect(test.inputs).toHaveLength(10000);
    const counts = new Array(10).fill(0);
    for (const l of test.labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(1000));
    const pixels = test.inputs[0]!;
    expect(Math.min(...pixels)).toBe(0);
    expect(Math.max(...pixels)).toBeLessThanOrEqual(1);
    expect(pixels.every((v) => Math.abs(v * 255 - Math.round(v * 255)) < 1e-9)).toBe(true);
    expect(readIdx(join(dir, 'train-labels-idx1-ubyte.gz')).dims).toEqual([60000]);
  });
});
