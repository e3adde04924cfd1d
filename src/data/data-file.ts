/**
 * A data file given with --data: a labelled CSV (*.csv or *.csv.gz, see labelled-csv.ts) or
 * otherwise a JSON batch { "inputs": [[...]], "targets": [[...]] } (README, Formats), checked
 * against the net's input and output sizes.
 */
import type { Dataset } from '../nn/sgd.ts';
import { readBatchFile, type BatchOptions } from './datasets.ts';
import { readLabelledCsv } from './labelled-csv.ts';

export function isCsvPath(path: string): boolean {
  return /\.csv(\.gz)?$/i.test(path);
}

/**
 * A labelled CSV's one-hot targets are distributions already; a JSON batch's are checked when `distribution` is set.
 */
export function readDataFile(path: string, inputSize: number, outputSize: number, options: BatchOptions = {}): Dataset {
  return isCsvPath(path)
    ? readLabelledCsv(path, inputSize, outputSize)
    : readBatchFile(path, inputSize, outputSize, options);
}
