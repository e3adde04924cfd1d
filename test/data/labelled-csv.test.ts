import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readDataFile } from '../../src/data/data-file.ts';
import { parseLabelledCsv } from '../../src/data/labelled-csv.ts';
import { parseJsonText } from '../../src/data/datasets.ts';
import { inputErrorMessage } from '../helpers/input-error.ts';

describe('labelled CSV data files', () => {
  it("takes features as they are and one-hots the last column to the net's output size", () => {
    const d = parseLabelledCsv('0.5,-2,1e-3,2\n\n3,4,5,0\n', 'f.csv', 3, 4);
    expect(d.inputs.map((x) => Array.from(x))).toEqual([
      [0.5, -2, 1e-3],
      [3, 4, 5],
    ]);
    expect(d.targets.map((t) => Array.from(t))).toEqual([
      [0, 0, 1, 0],
      [1, 0, 0, 0],
    ]);
  });

  it('names file:line for a short row, a non-number, and a label that is not a class', () => {
    expect(inputErrorMessage(() => parseLabelledCsv('1,2,3,0\n1,2,0\n', 'f.csv', 3, 2))).toBe(
      'f.csv:2: expected 4 columns (3 inputs for the net, then the label), found 3',
    );
    expect(inputErrorMessage(() => parseLabelledCsv('1,2,3,0\n\n1,x,3,0\n', 'f.csv', 3, 2))).toBe(
      'f.csv:3: column 2 is "x", not a finite number',
    );
    expect(inputErrorMessage(() => parseLabelledCsv('1,,3,0\n', 'f.csv', 3, 2))).toBe(
      'f.csv:1: column 2 is "", not a finite number',
    );
    expect(inputErrorMessage(() => parseLabelledCsv('0x10,1,3,0\n', 'f.csv', 3, 2))).toMatch(
      /^f\.csv:1: column 1 is "0x10"/,
    );
    expect(inputErrorMessage(() => parseLabelledCsv('1,2,1e999,0\n', 'f.csv', 3, 2))).toMatch(
      /^f\.csv:1: column 3 is "1e999", not a finite number/,
    );
    expect(inputErrorMessage(() => parseLabelledCsv('1,2,3,0\n1,2,3,2\n', 'f.csv', 3, 2))).toMatch(
      /^f\.csv:2: label 2 \(last column\) is not a class 0\.\.1/,
    );
    expect(inputErrorMessage(() => parseLabelledCsv('1,2,3,0.5\n', 'f.csv', 3, 2))).toMatch(/^f\.csv:1: label 0\.5/);
    expect(inputErrorMessage(() => parseLabelledCsv('\n\n', 'f.csv', 3, 2))).toBe('f.csv: no data rows');
  });

  it('reads .csv and .csv.gz as CSV and anything else as a JSON batch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'localprop-csv-'));
    writeFileSync(join(dir, 'a.csv'), '1,2,1\n');
    writeFileSync(join(dir, 'a.csv.gz'), gzipSync('1,2,1\n'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ inputs: [[1, 2]], targets: [[0, 1]] }));
    for (const f of ['a.csv', 'a.csv.gz', 'a.json']) {
      const d = readDataFile(join(dir, f), 2, 2);
      expect([Array.from(d.inputs[0]!), Array.from(d.targets[0]!)]).toEqual([
        [1, 2],
        [0, 1],
      ]);
    }
    writeFileSync(join(dir, 'trunc.csv.gz'), gzipSync('1,2,1\n'.repeat(100)).subarray(0, 20));
    expect(inputErrorMessage(() => readDataFile(join(dir, 'trunc.csv.gz'), 2, 2))).toMatch(
      /trunc\.csv\.gz: corrupt or truncated gzip data/,
    );
  });
});

describe('malformed JSON', () => {
  it('names the file and the line and column, on one line, without echoing the text', () => {
    const m = inputErrorMessage(() => parseJsonText('{\n  "a": 1,\n  }', 'net.json'));
    expect(m).toMatch(/^net\.json: malformed JSON \(.* at line 3, column 3\)$/);
    const n = inputErrorMessage(() => parseJsonText('[1,\n2,\nfoo]', 'b.json'));
    expect(n).toMatch(/^b\.json: malformed JSON \(Unexpected token/);
    expect(n).not.toContain('\n');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the message must carry no control character
    expect(inputErrorMessage(() => parseJsonText('\u0000\n', 'c.json'))).not.toMatch(/[\u0000-\u001f]/);
  });
});
