/**
 * A data file given with --data: a labelled CSV (*.csv or *.csv.gz, see labelled-csv.ts) or
 * otherwise a JSON batch { "inputs": [[...]], "targets": [[...]] } (DESIGN §2), checked
 * against the net's input and output sizes.
 */
import type { Dataset } from '../nn/sgd.ts';
import { readBatchFile } from './datasets.ts';
import { readLabelledCsv } from './labelled-csv.ts';

export function isCsvPath(path: string): boolean {
  return /\.csv(\.gz)?$/i.test(path);
}

export function readDataFile(path: string, inputSize: number, outputSize: number): Dataset {
  return isCsvPath(path) ? readLabelledCsv(path, inputSize, outputSize) : readBatchFile(path, inputSize, outputSize);
}
