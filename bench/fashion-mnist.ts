/**
 * The benchmark's data: the first n patterns of Fashion-MNIST's training set when the IDX files
 * are on this machine, else n seeded random patterns of the same shape (784 inputs in [0, 1),
 * one-hot targets over 10 classes). A deliberately small loader, local to the benchmark; the
 * project's IDX reader lives in src/data.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createRandom } from '../src/core/random.ts';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export interface BenchData {
  source: string;
  inputs: Float64Array[];
  targets: Float64Array[];
}

function readIdx(path: string): Buffer {
  const raw = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(raw) : raw;
}

function findFile(dir: string, stem: string): string | null {
  for (const name of [`${stem}.gz`, stem]) if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  return null;
}

/** n patterns of 784 pixels scaled to [0, 1], one-hot labels. */
export function loadBenchData(n: number, seed = 'bench-data', dir = FASHION_MNIST_DIR): BenchData {
  const imagesPath = findFile(dir, 'train-images-idx3-ubyte');
  const labelsPath = findFile(dir, 'train-labels-idx1-ubyte');
  if (imagesPath && labelsPath) {
    const images = readIdx(imagesPath); // magic, count, rows, cols (big-endian u32), then u8 pixels
    const labels = readIdx(labelsPath); // magic, count, then u8 labels
    const count = Math.min(n, images.readUInt32BE(4), labels.readUInt32BE(4));
    const size = images.readUInt32BE(8) * images.readUInt32BE(12);
    const inputs: Float64Array[] = [];
    const targets: Float64Array[] = [];
    for (let p = 0; p < count; p++) {
      const x = new Float64Array(size);
      for (let i = 0; i < size; i++) x[i] = images[16 + p * size + i]! / 255;
      const t = new Float64Array(10);
      t[labels[8 + p]!] = 1;
      inputs.push(x);
      targets.push(t);
    }
    return { source: `Fashion-MNIST (first ${count} training images, ${dir})`, inputs, targets };
  }
  const random = createRandom(seed);
  const inputs = Array.from({ length: n }, () => Float64Array.from({ length: 784 }, () => random.uniform()));
  const targets = Array.from({ length: n }, () => {
    const t = new Float64Array(10);
    t[random.int(10)] = 1;
    return t;
  });
  return { source: `random inputs (seed ${seed}; Fashion-MNIST not found in ${dir})`, inputs, targets };
}
