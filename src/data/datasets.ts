/**
 * The shipped data sets (in data/, see the README for sources and licences) and the JSON batch format.
 *
 * digits  UCI Optical Recognition of Handwritten Digits, test-set copy: 1797 patterns, 8×8 pixel
 *         counts 0..16 → divided by 16, so inputs lie in [0, 1]; 10 classes one-hot.
 * iris    Fisher's Iris: 150 patterns, 4 measurements → standardised per feature (zero mean,
 *         unit variance over the whole set); 3 classes one-hot.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { PACKAGE_ROOT } from '../core/package-root.ts';
import type { Random } from '../core/random.ts';
import { rejectUnknownKeys } from '../core/known-keys.ts';
import { describeValue } from '../core/tensor.ts';
import type { Dataset } from '../nn/sgd.ts';
import { readCsv, readTextFile } from './csv.ts';

export type DatasetName = 'digits' | 'iris';
export const DATASET_NAMES: readonly DatasetName[] = ['digits', 'iris'];

export interface LabelledDataset extends Dataset {
  /** The input shape of one pattern. */
  shape: number[];
  classes: number;
  labels: number[];
}

/** The project's data/ folder. */
export const DATA_DIR = join(PACKAGE_ROOT, 'data');

export function oneHot(label: number, classes: number): Float64Array {
  const t = new Float64Array(classes);
  t[label] = 1;
  return t;
}

function fromRows(
  rows: number[][],
  source: string,
  classes: number,
  scale: (features: number[][]) => number[][],
  shape: number[],
): LabelledDataset {
  const labels = rows.map((r, k) => {
    const label = r[r.length - 1]!;
    if (!Number.isInteger(label) || label < 0 || label >= classes)
      throw new InputError(`${source}: row ${k + 1}: label ${label} is not a class 0..${classes - 1}`);
    return label;
  });
  const features = scale(rows.map((r) => r.slice(0, -1)));
  return {
    inputs: features.map((f) => Float64Array.from(f)),
    targets: labels.map((l) => oneHot(l, classes)),
    labels,
    classes,
    shape,
  };
}

/** The shipped file of a data set. */
export function datasetFile(name: DatasetName): string {
  return join(DATA_DIR, name === 'digits' ? 'digits.csv.gz' : 'iris.csv');
}

export function loadDigits(path = datasetFile('digits')): LabelledDataset {
  const rows = readCsv(path, { columns: 65 });
  return fromRows(rows, path, 10, (f) => f.map((r) => r.map((v) => v / 16)), [1, 8, 8]);
}

export function loadIris(path = datasetFile('iris')): LabelledDataset {
  const rows = readCsv(path, { skip: 1, columns: 5 });
  const standardise = (features: number[][]): number[][] => {
    const d = features[0]!.length;
    const mean = Array.from({ length: d }, (_, k) => features.reduce((s, r) => s + r[k]!, 0) / features.length);
    const sd = mean.map((m, k) => Math.sqrt(features.reduce((s, r) => s + (r[k]! - m) ** 2, 0) / features.length) || 1);
    return features.map((r) => r.map((v, k) => (v - mean[k]!) / sd[k]!));
  };
  return fromRows(rows, path, 3, standardise, [4]);
}

export function loadDataset(name: string): LabelledDataset {
  switch (name) {
    case 'digits':
      return loadDigits();
    case 'iris':
      return loadIris();
    default:
      throw new InputError(`unknown dataset ${JSON.stringify(name)}; expected one of ${DATASET_NAMES.join(', ')}`);
  }
}

/**
 * A seeded split into training and held-out patterns; `testFraction` of them are held out.
 * With `keepOrder` both parts keep the patterns' order in the source (a file read with --data,
 * so that an unshuffled epoch presents them as the file lists them); otherwise they come in the
 * seeded permutation's order.
 */
export function splitDataset<T extends Dataset>(
  data: T,
  random: Random,
  testFraction = 0.2,
  options: { keepOrder?: boolean } = {},
): { train: Dataset; test: Dataset } {
  const order = random.shuffle(data.inputs.map((_, p) => p));
  const nTest = Math.round(order.length * testFraction);
  const inOrder = (idx: number[]): number[] => (options.keepOrder ? idx.sort((a, b) => a - b) : idx);
  const pick = (idx: number[]): Dataset => ({
    inputs: idx.map((p) => data.inputs[p]!),
    targets: idx.map((p) => data.targets[p]!),
  });
  return { test: pick(inOrder(order.slice(0, nTest))), train: pick(inOrder(order.slice(nTest))) };
}

/** A seeded choice of n of the patterns, kept in their order (--limit). */
export function seededSubset<T extends Dataset>(data: T, n: number, random: Random): Dataset {
  if (n >= data.inputs.length) return { inputs: data.inputs, targets: data.targets };
  const chosen = random
    .shuffle(data.inputs.map((_, p) => p))
    .slice(0, n)
    .sort((a, b) => a - b);
  return { inputs: chosen.map((p) => data.inputs[p]!), targets: chosen.map((p) => data.targets[p]!) };
}

export interface BatchOptions {
  /**
   * Every target must be a probability distribution: entries ≥ 0 that sum to 1 within
   * DISTRIBUTION_TOLERANCE. Softmax cross-entropy needs it: E = −Σ t log softmax(z) has gradient
   * softmax(z) − t only when Σ t = 1, so other targets would give a loss and a gradient that disagree.
   */
  distribution?: boolean;
}

export const BATCH_KEYS: readonly string[] = ['inputs', 'targets'];

/** How far a distribution's sum may be from 1: room for targets written with a few decimals (1/3 as 0.3333333333). */
export const DISTRIBUTION_TOLERANCE = 1e-6;

/** Read a batch file { "inputs": [[...]], "targets": [[...]] } and check it against the net's sizes. */
export function readBatchFile(
  path: string,
  inputSize: number,
  outputSize: number,
  options: BatchOptions = {},
): Dataset {
  if (path.trim() !== '' && !existsSync(path)) throw new InputError(`${path}: no such file`);
  const json = parseJsonText(readTextFile(path), path);
  return parseBatch(json, path, inputSize, outputSize, options);
}

export function parseBatch(
  json: unknown,
  source: string,
  inputSize: number,
  outputSize: number,
  options: BatchOptions = {},
): Dataset {
  const obj = json as { inputs?: unknown; targets?: unknown } | null;
  const isObject = obj !== null && typeof obj === 'object' && !Array.isArray(obj);
  if (!isObject || !Array.isArray(obj.inputs) || !Array.isArray(obj.targets)) {
    throw new InputError(
      `${source}: expected { "inputs": [[...], ...], "targets": [[...], ...] }, got ${describeValue(json)}`,
    );
  }
  rejectUnknownKeys(obj, BATCH_KEYS, source);
  if (obj.inputs.length !== obj.targets.length)
    throw new InputError(`${source}: ${obj.inputs.length} inputs but ${obj.targets.length} targets`);
  if (obj.inputs.length === 0) throw new InputError(`${source}: no patterns`);
  const rows = (list: unknown[], size: number, what: string): Float64Array[] =>
    list.map((row, p) => {
      if (!Array.isArray(row) || row.length !== size) {
        const got = Array.isArray(row) ? `has ${row.length} values` : `is ${describeValue(row)}`;
        throw new InputError(`${source}: ${what}[${p}] ${got}, but the net needs ${size} numbers`);
      }
      const k = row.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
      if (k >= 0)
        throw new InputError(`${source}: ${what}[${p}][${k}] is ${describeValue(row[k])}, not a finite number`);
      return Float64Array.from(row as number[]);
    });
  const inputs = rows(obj.inputs, inputSize, 'inputs');
  const targets = rows(obj.targets, outputSize, 'targets');
  if (options.distribution)
    targets.forEach((t, p) => {
      checkDistribution(t, `${source}: targets[${p}]`);
    });
  return { inputs, targets };
}

/** Entries ≥ 0 summing to 1 (within DISTRIBUTION_TOLERANCE), for softmax cross-entropy. */
export function checkDistribution(t: ArrayLike<number>, where: string): void {
  const need = 'softmax-cross-entropy needs each target to be a distribution (entries ≥ 0 that sum to 1, e.g. one-hot)';
  let sum = 0;
  for (let k = 0; k < t.length; k++) {
    if (t[k]! < 0) throw new InputError(`${where}[${k}] is ${t[k]}, but ${need}`);
    sum += t[k]!;
  }
  if (!(Math.abs(sum - 1) <= DISTRIBUTION_TOLERANCE)) throw new InputError(`${where} sums to ${sum}, but ${need}`);
}

/**
 * JSON.parse with the file named in the error, as one line: V8 quotes the text itself, newlines and all, so that part
 * goes.
 */
export function parseJsonText(text: string, source: string): unknown {
  // A byte-order mark is allowed at the start, as editors on Windows write it (the CSV reader's trim drops it too).
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message
      .replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '')
      .replace(/at position (\d+)/, (_, k: string) => {
        const before = text.slice(0, Number(k)).split('\n');
        return `at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
      })
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what gets escaped
      .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    throw new InputError(`${source}: malformed JSON (${message})`);
  }
}

export function readJsonFile(path: string): unknown {
  return parseJsonText(readTextFile(path), path);
}
