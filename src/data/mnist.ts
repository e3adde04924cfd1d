/**
 * MNIST and Fashion-MNIST from their four IDX files (see idx.ts), gzipped or raw:
 *   train-images-idx3-ubyte  train-labels-idx1-ubyte   60000 patterns
 *   t10k-images-idx3-ubyte   t10k-labels-idx1-ubyte    10000 patterns (the official test set)
 * Normalisation: each pixel p ∈ 0..255 becomes x = p/255 ∈ [0, 1]; nothing else (no mean
 * subtraction), so an image is the same numbers whatever subset it is drawn with. Images are
 * 28×28 with one channel: input shape [1, 28, 28], or [784] for a dense net (same order).
 * Labels 0..9 become one-hot targets. Padding p (--pad) puts p zero pixels on every side: 28×28 → (28+2p)×(28+2p);
 * BioTorch resizes to 32×32 instead (bilinear), which this does not imitate (README "Data").
 *
 * The folder comes from --data-dir, else the LOCALPROP_DATA environment variable, else the
 * Debian location /usr/share/datasets/<name> (package dataset-fashion-mnist for Fashion-MNIST;
 * MNIST has no Debian package). The first of the three that is set is used; a folder that
 * lacks the files is an error, never a silent fallback to another folder. Both data sets use
 * the same file names, so the folder alone decides which one is read.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import type { Random } from '../core/random.ts';
import { oneHot, type LabelledDataset } from './datasets.ts';
import { readIdx } from './idx.ts';

export type IdxDatasetName = 'fashion-mnist' | 'mnist';
export const IDX_DATASET_NAMES: readonly IdxDatasetName[] = ['fashion-mnist', 'mnist'];
export type IdxPart = 'train' | 'test';

export const DEFAULT_DATA_DIRS: Readonly<Record<IdxDatasetName, string>> = {
  'fashion-mnist': '/usr/share/datasets/fashion-mnist',
  mnist: '/usr/share/datasets/mnist',
};

const CLASSES = 10;

const INSTALL: Record<IdxDatasetName, string> = {
  'fashion-mnist':
    'install it with "apt-get install dataset-fashion-mnist", or pass --data-dir DIR holding its four IDX files',
  mnist:
    'download its four IDX files (train-images-idx3-ubyte.gz etc.) ' +
    'into a folder and pass --data-dir DIR or set LOCALPROP_DATA',
};

export interface DataDirChoice {
  dir: string;
  /** Which of the three places chose it. */
  from: '--data-dir' | 'LOCALPROP_DATA' | 'default';
}

export function isIdxDatasetName(name: string): name is IdxDatasetName {
  return (IDX_DATASET_NAMES as readonly string[]).includes(name);
}

/** --data-dir, else $LOCALPROP_DATA, else the Debian default. */
export function resolveDataDir(
  name: IdxDatasetName,
  dataDir?: string,
  env: NodeJS.ProcessEnv = process.env,
): DataDirChoice {
  if (dataDir !== undefined) return { dir: dataDir, from: '--data-dir' };
  const fromEnv = env['LOCALPROP_DATA'];
  if (fromEnv !== undefined && fromEnv !== '') return { dir: fromEnv, from: 'LOCALPROP_DATA' };
  return { dir: DEFAULT_DATA_DIRS[name], from: 'default' };
}

/** The file for one part and kind, gzipped or raw, under either naming in use ("-idx3-" or ".idx3-"). */
function findFile(dir: string, part: IdxPart, kind: 'images' | 'labels'): string | null {
  const prefix = part === 'train' ? 'train' : 't10k';
  const idx = kind === 'images' ? 'idx3' : 'idx1';
  for (const base of [`${prefix}-${kind}-${idx}-ubyte`, `${prefix}-${kind}.${idx}-ubyte`]) {
    for (const name of [`${base}.gz`, base]) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
  }
  return null;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The two file paths, or an InputError saying where localprop looked and how to get the data. */
export function locateIdxFiles(
  name: IdxDatasetName,
  part: IdxPart,
  choice: DataDirChoice,
  env: NodeJS.ProcessEnv = process.env,
): { images: string; labels: string } {
  const images = findFile(choice.dir, part, 'images');
  const labels = findFile(choice.dir, part, 'labels');
  if (images && labels) return { images, labels };
  const prefix = part === 'train' ? 'train' : 't10k';
  const missing = !isDirectory(choice.dir)
    ? `folder ${choice.dir} (from ${choice.from}) does not exist`
    : `folder ${choice.dir} (from ${choice.from}) has ` +
      `no ${[images ? null : `${prefix}-images-idx3-ubyte[.gz]`, labels ? null : `${prefix}-labels-idx1-ubyte[.gz]`]
        .filter(Boolean)
        .join(' or ')}`;
  const envValue = env['LOCALPROP_DATA'];
  const places =
    `--data-dir DIR, else $LOCALPROP_DATA (${envValue ? envValue : 'not set'}), ` + `else ${DEFAULT_DATA_DIRS[name]}`;
  throw new InputError(`${name}: ${missing}; localprop looks in ${places}; ${INSTALL[name]}`);
}

export interface IdxDatasetOptions {
  /** The folder; see resolveDataDir. */
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Keep a seeded choice of this many patterns (in file order), converting only those: 60000 images are 376 MB as
   * float64.
   */
  limit?: number;
  /** Required with limit. */
  random?: Random;
  /** Zero pixels added on each side of every image (2: 28×28 → 32×32, LeNet's input). */
  pad?: number;
}

/** Load one part (train or the official test set) of MNIST or Fashion-MNIST. */
export function loadIdxDataset(name: IdxDatasetName, part: IdxPart, options: IdxDatasetOptions = {}): LabelledDataset {
  const env = options.env ?? process.env;
  const files = locateIdxFiles(name, part, resolveDataDir(name, options.dataDir, env), env);
  return loadIdxPair(files.images, files.labels, options.limit, options.random, options.pad);
}

/**
 * Images [N, rows, cols] (or [N, features]) and labels [N] from two IDX files. uint8 images are
 * scaled by 1/255; other element types are taken as they are. Labels must be integers 0..9.
 */
export function loadIdxPair(
  imagesPath: string,
  labelsPath: string,
  limit?: number,
  random?: Random,
  pad = 0,
): LabelledDataset {
  const images = readIdx(imagesPath);
  const labels = readIdx(labelsPath);
  if (images.dims.length < 2)
    throw new InputError(`${imagesPath}: expected images of shape [N, rows, cols], got [${images.dims.join(', ')}]`);
  if (labels.dims.length !== 1)
    throw new InputError(`${labelsPath}: expected labels of shape [N], got [${labels.dims.join(', ')}]`);
  const n = images.dims[0]!;
  if (labels.dims[0] !== n)
    throw new InputError(`${labelsPath}: ${labels.dims[0]} labels, but ${imagesPath} has ${n} images`);
  const size = images.data.length / n;
  if (pad !== 0 && images.dims.length !== 3)
    throw new InputError(
      `${imagesPath}: padding needs images of shape [N, rows, cols], got [${images.dims.join(', ')}]`,
    );
  const rows = images.dims[1]!;
  const cols = images.dims[2]!;
  const shape = images.dims.length === 3 ? [1, rows + 2 * pad, cols + 2 * pad] : images.dims.slice(1);
  const paddedSize = pad === 0 ? size : (rows + 2 * pad) * (cols + 2 * pad);
  let chosen = Array.from({ length: n }, (_, p) => p);
  if (limit !== undefined && limit < n) {
    if (!random) throw new Error('loadIdxPair: a limit needs a Random');
    chosen = random
      .shuffle(chosen)
      .slice(0, limit)
      .sort((a, b) => a - b);
  }
  // x = p/255 for uint8 pixels (a division, not a multiplication by 1/255, so the numbers are exactly p/255).
  const divisor = images.type === 'uint8' ? 255 : 1;
  const inputs: Float64Array[] = [];
  const targets: Float64Array[] = [];
  const labelList: number[] = [];
  for (const p of chosen) {
    const label = labels.data[p]!;
    if (!Number.isInteger(label) || label < 0 || label >= CLASSES)
      throw new InputError(`${labelsPath}: label ${p} is ${label}, not a class 0..${CLASSES - 1}`);
    const x = new Float64Array(paddedSize);
    const offset = p * size;
    if (pad === 0) for (let i = 0; i < size; i++) x[i] = images.data[offset + i]! / divisor;
    else {
      // Row r, column c of the image lands at (r + pad, c + pad); the border stays 0.
      const width = cols + 2 * pad;
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) x[(r + pad) * width + c + pad] = images.data[offset + r * cols + c]! / divisor;
    }
    if (images.type !== 'uint8') {
      const k = x.findIndex((v) => !Number.isFinite(v));
      if (k >= 0) throw new InputError(`${imagesPath}: image ${p} value ${k} is ${x[k]}, not a finite number`);
    }
    inputs.push(x);
    targets.push(oneHot(label, CLASSES));
    labelList.push(label);
  }
  return { inputs, targets, labels: labelList, classes: CLASSES, shape };
}
