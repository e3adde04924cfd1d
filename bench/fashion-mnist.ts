/**
 * The benchmark's data: the first n patterns of Fashion-MNIST's training set when the IDX files
 * are on this machine, else n seeded random patterns of the same shape (784 inputs in [0, 1),
 * one-hot targets over 10 classes). It reads the files with the project's IDX reader but keeps
 * only the first n images, rather than converting all 60 000 (src/data's loaders pick seeded
 * subsets instead).
 */
import { existsSync } from 'node:fs';
import { createRandom } from '../src/core/random.ts';
import { oneHot } from '../src/data/datasets.ts';
import { readIdx } from '../src/data/idx.ts';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export interface BenchData {
  source: string;
  inputs: Float64Array[];
  targets: Float64Array[];
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
    const images = readIdx(imagesPath);
    const labels = readIdx(labelsPath);
    const count = Math.min(n, images.dims[0]!, labels.dims[0]!);
    const size = images.dims[1]! * images.dims[2]!;
    const inputs: Float64Array[] = [];
    const targets: Float64Array[] = [];
    for (let p = 0; p < count; p++) {
      inputs.push(Float64Array.from(images.data.subarray(p * size, (p + 1) * size), (v) => v / 255));
      targets.push(oneHot(labels.data[p]!, 10));
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

/**
 * n images of 32×32 pixels for the conv bench: Fashion-MNIST's 28×28 padded with 2 zero pixels on
 * every side (LeNet's input size), or seeded random 32×32 inputs when the data is absent.
 */
export function loadPaddedImages(n: number, seed = 'bench-images', dir = FASHION_MNIST_DIR): BenchData {
  const found = findFile(dir, 'train-images-idx3-ubyte') !== null;
  if (!found) {
    const random = createRandom(seed);
    const inputs = Array.from({ length: n }, () => Float64Array.from({ length: 1024 }, () => random.uniform()));
    const targets = Array.from({ length: n }, () => oneHot(random.int(10), 10));
    return { source: `random 32×32 inputs (seed ${seed}; Fashion-MNIST not found in ${dir})`, inputs, targets };
  }
  const small = loadBenchData(n, seed, dir);
  const inputs = small.inputs.map((x) => {
    const padded = new Float64Array(32 * 32);
    for (let i = 0; i < 28; i++) padded.set(x.subarray(i * 28, (i + 1) * 28), (i + 2) * 32 + 2);
    return padded;
  });
  return { source: `${small.source}, padded 28→32 with zeros`, inputs, targets: small.targets };
}
