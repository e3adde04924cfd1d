/**
 * The real binary, in a child process, for a few cases: proves that what reaches the terminal is
 * one line and an exit code, with no stack trace from Node or tsx. (The other tests call main()
 * in-process, which is faster but cannot see what the process itself would print.)
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { expectCleanFailure, fixture, freshOut, idxFolder, idxNet } from './clean-failure.ts';

const cwd = join(import.meta.dirname, '..', '..');

function localprop(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

// Concurrent: each case is mostly the start-up of node and tsx.
describe.concurrent('the localprop process', () => {
  it('malformed JSON: exit 2, one line, no stack trace', async () => {
    const out = freshOut();
    const net = fixture('spawn-broken.net.json', '{"input": [4], "layers": [');
    expectCleanFailure(
      await localprop(['train', '--net', net, '--dataset', 'iris', '--out', out.file]),
      out,
      /spawn-broken\.net\.json: malformed JSON/,
    );
  });

  it('a corrupt gzip IDX file: exit 2, one line, no stack trace', async () => {
    const out = freshOut();
    const dir = idxFolder('spawn-corrupt');
    const file = join(dir, 'train-images-idx3-ubyte.gz');
    writeFileSync(file, readFileSync(file).subarray(0, 25));
    const net = fixture('spawn-idx.net.json', idxNet);
    expectCleanFailure(
      await localprop(['train', '--net', net, '--dataset', 'fashion-mnist', '--data-dir', dir, '--out', out.file]),
      out,
      /corrupt or truncated gzip data/,
    );
  });

  it('divergence: exit 3, one line, no stack trace', async () => {
    const out = freshOut();
    const net = fixture('spawn-relu.net.json', {
      input: [4],
      layers: [
        { type: 'dense', units: 8, activation: 'relu' },
        { type: 'dense', units: 3 },
      ],
      loss: 'mse',
    });
    expectCleanFailure(
      await localprop(['train', '--net', net, '--dataset', 'iris', '--lr', '1e6', '--out', out.file]),
      out,
      /training diverged at epoch/,
      3,
    );
  });
});
