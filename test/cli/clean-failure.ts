/** Shared by the bad-input tests: fixtures in a temp folder, and the checks every failure must pass. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { encodeIdx } from '../../src/data/idx.ts';
import type { CliResult } from '../helpers/run-cli.ts';

export const root = mkdtempSync(join(tmpdir(), 'localprop-bad-'));
let outs = 0;

/** Write a fixture file under the temp folder; objects are written as JSON. */
export function fixture(name: string, content: string | Uint8Array | object): string {
  const path = join(root, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof content === 'string' || content instanceof Uint8Array ? content : JSON.stringify(content));
  return path;
}

/** A fresh, empty folder for --out, and the file path in it. */
export function freshOut(): { dir: string; file: string } {
  const dir = join(root, `out-${++outs}`);
  mkdirSync(dir);
  return { dir, file: join(dir, 'trained.params.json') };
}

/**
 * The contract for bad input (README, exit codes): the exit code, exactly one line on stderr naming the
 * problem, no stack trace, nothing on stdout, and nothing written: neither the --out file nor a
 * temp file beside it.
 */
export function expectCleanFailure(r: CliResult, out: { dir: string; file: string }, pattern: RegExp, code = 2): void {
  expect(r.code, r.stderr).toBe(code);
  // Training may have printed its epoch lines before it diverged; the error itself is one line.
  const progress = code === 3 ? /^(epoch \d+\/\d+ [^\n]*\n)*/ : /^/;
  expect(r.stderr.replace(progress, '')).toMatch(/^localprop: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stdout).toBe('');
  expect(existsSync(out.file)).toBe(false);
  expect(readdirSync(out.dir)).toEqual([]);
}

/** A small MNIST-format folder: n images of 3×2 pixels in train and t10k files. */
export function idxFolder(name: string, n = 20): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const part of ['train', 't10k']) {
    writeFileSync(
      join(dir, `${part}-images-idx3-ubyte.gz`),
      encodeIdx(
        [n, 3, 2],
        Uint8Array.from({ length: n * 6 }, (_, k) => (k * 31) % 256),
        true,
      ),
    );
    writeFileSync(
      join(dir, `${part}-labels-idx1-ubyte.gz`),
      encodeIdx(
        [n],
        Uint8Array.from({ length: n }, (_, k) => k % 10),
        true,
      ),
    );
  }
  return dir;
}

/** input [4] → 5 tanh → 3, softmax-CE; the net most cases use. */
export const smallNet = {
  input: [4],
  layers: [
    { type: 'dense', units: 5, activation: 'tanh' },
    { type: 'dense', units: 3 },
  ],
  loss: 'softmax-cross-entropy',
};
/** input [1, 3, 2] → 10, for the IDX folders above. */
export const idxNet = { input: [1, 3, 2], layers: [{ type: 'dense', units: 10 }], loss: 'softmax-cross-entropy' };
