/**
 * A labelled CSV data file for `train --data FILE.csv` (or .csv.gz): one pattern per line,
 * the features first, as they are (no scaling), then the class label, an integer 0..K−1,
 * which becomes a one-hot target of the net's output size K. No header line.
 *   0.1,0.5,0.0,2
 *   0.7,0.2,0.9,0
 */
import { InputError } from '../core/errors.ts';
import type { Dataset } from '../nn/sgd.ts';
import { parseCsvRows, readTextFile } from './csv.ts';
import { oneHot } from './datasets.ts';

export function parseLabelledCsv(text: string, source: string, inputSize: number, classes: number): Dataset {
  const { rows, lines } = parseCsvRows(text, source, {
    columns: inputSize + 1,
    columnsHint: `${inputSize} inputs for the net, then the label`,
  });
  const inputs: Float64Array[] = [];
  const targets: Float64Array[] = [];
  rows.forEach((row, p) => {
    const label = row[inputSize]!;
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new InputError(
        `${source}:${lines[p]}: label ${label} (last column) is not a class 0..${classes - 1} for a net ` +
          `with ${classes} outputs`,
      );
    }
    inputs.push(Float64Array.from(row.slice(0, inputSize)));
    targets.push(oneHot(label, classes));
  });
  return { inputs, targets };
}

export function readLabelledCsv(path: string, inputSize: number, classes: number): Dataset {
  return parseLabelledCsv(readTextFile(path), path, inputSize, classes);
}
