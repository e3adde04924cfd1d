/**
 * A numeric CSV reader: one pattern per line, comma-separated decimal numbers (no header unless
 * skipped, no quoting). Every error names file:line. Gzipped files (by content) are gunzipped first.
 */
import { InputError } from '../core/errors.ts';
import { describeValue } from '../core/tensor.ts';
import { maybeGunzip } from './maybe-gunzip.ts';
import { MAX_INPUT_BYTES, readInputBytes } from './read-input.ts';

/** The largest text file localprop reads (JSON and CSV): just under V8's longest string. */
export const MAX_TEXT_BYTES = 2 ** 29 - 24;

export interface CsvOptions {
  /** Lines to skip at the top (a header). */
  skip?: number;
  /** Every row must have exactly this many columns. */
  columns?: number;
  /** Says what the columns should be, after "expected N columns" (e.g. "64 inputs, then the label"). */
  columnsHint?: string;
}

export interface CsvRows {
  rows: number[][];
  /** The 1-based file line of each row, for error messages. */
  lines: number[];
}

/** A decimal number as written in CSV files: no hex, no "Infinity", no empty cell. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A cell or value quoted for an error message: one line, at most about 80 characters. */
export function quote(text: string): string {
  return describeValue(text);
}

export function readTextFile(path: string): string {
  const text = maybeGunzip(readInputBytes(path, MAX_INPUT_BYTES), path);
  // V8 strings stop at 2^29 − 24 characters (about 512 MB): a larger file cannot be read as text at all.
  if (text.length >= MAX_TEXT_BYTES)
    throw new InputError(
      `${path}: ${text.length} bytes, more than localprop can read as one text (${MAX_TEXT_BYTES} bytes)`,
    );
  return Buffer.from(text).toString('utf8');
}

export function parseCsvRows(text: string, source: string, options: CsvOptions = {}): CsvRows {
  const rows: number[][] = [];
  const lineNumbers: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = options.skip ?? 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '') continue;
    const cells = line.split(',');
    const width = options.columns ?? rows[0]?.length ?? cells.length;
    if (cells.length !== width)
      throw new InputError(
        `${source}:${n + 1}: expected ${width} ` +
          `columns${options.columnsHint ? ` (${options.columnsHint})` : ''}, found ${cells.length}`,
      );
    const row = cells.map((cell, k) => {
      const c = cell.trim();
      const v = NUMBER.test(c) ? Number(c) : NaN;
      if (!Number.isFinite(v))
        throw new InputError(`${source}:${n + 1}: column ${k + 1} is ${quote(c)}, not a finite number`);
      return v;
    });
    rows.push(row);
    lineNumbers.push(n + 1);
  }
  if (rows.length === 0) throw new InputError(`${source}: no data rows`);
  return { rows, lines: lineNumbers };
}

export function parseCsv(text: string, source: string, options: CsvOptions = {}): number[][] {
  return parseCsvRows(text, source, options).rows;
}

export function readCsv(path: string, options: CsvOptions = {}): number[][] {
  return parseCsv(readTextFile(path), path, options);
}
