/**
 * A numeric CSV reader: one pattern per line, comma-separated numbers. Errors name file:line.
 * Files ending in .gz are gunzipped first.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../core/errors.ts';

export interface CsvOptions {
  /** Lines to skip at the top (a header). */
  skip?: number;
  /** Every row must have exactly this many columns. */
  columns?: number;
}

export function readTextFile(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (path.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new InputError(`${path}: not a valid gzip file (${(e as Error).message})`);
    }
  }
  return bytes.toString('utf8');
}

export function parseCsv(text: string, source: string, options: CsvOptions = {}): number[][] {
  const rows: number[][] = [];
  const lines = text.split(/\r?\n/);
  for (let n = options.skip ?? 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '') continue;
    const cells = line.split(',');
    const width = options.columns ?? rows[0]?.length ?? cells.length;
    if (cells.length !== width) throw new InputError(`${source}:${n + 1}: expected ${width} columns, found ${cells.length}`);
    const row = cells.map((cell, k) => {
      const v = cell.trim() === '' ? NaN : Number(cell);
      if (!Number.isFinite(v)) throw new InputError(`${source}:${n + 1}: column ${k + 1} is ${JSON.stringify(cell.trim())}, not a number`);
      return v;
    });
    rows.push(row);
  }
  if (rows.length === 0) throw new InputError(`${source}: no data rows`);
  return rows;
}

export function readCsv(path: string, options: CsvOptions = {}): number[][] {
  return parseCsv(readTextFile(path), path, options);
}
