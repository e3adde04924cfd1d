/**
 * Ctrl-C (and SIGTERM) under `npm run -s localprop -- run …`, the README's way to run, on a real
 * process group: the signal reaches npm, the shell and node, and npm forwards it again, so node
 * sees it more than once. The run must stop gracefully all the same: the message, exit 128 + signal,
 * the finished experiment kept, index.html rebuilt, nothing left running.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interruptThroughNpm, type Interrupted } from '../helpers/npm-interrupt.ts';

export function expectGracefulStop(r: Interrupted, signal: NodeJS.Signals): void {
  const code = signal === 'SIGINT' ? 130 : 143;
  // npm passes the exit code on, or re-raises the signal on itself.
  expect(r.code === code || r.signal === signal, `${r.code} ${r.signal}\n${r.stderr}`).toBe(true);
  expect(r.stderr).toMatch(new RegExp(`localprop: interrupted \\(${signal}\\): did not finish regression; finished activations\\.`));
  expect(r.stderr).not.toMatch(/stopped at once/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(join(r.out, 'activations', 'summary.json'))).toBe(true);
  expect(existsSync(join(r.out, 'regression'))).toBe(false);
  expect(readFileSync(join(r.out, 'index.html'), 'utf8')).toContain('data-experiment="activations"');
  expect(r.groupAlive).toBe(false);
}

describe('interrupting `npm run -s localprop -- run` on a process group', () => {
  it('Ctrl-C delivered twice (terminal and npm): one graceful stop, exit 130, index rebuilt', async () => {
    expectGracefulStop(await interruptThroughNpm('SIGINT', 2, 50), 'SIGINT');
  }, 60_000);

  it('SIGTERM is handled like SIGINT: graceful stop, exit 143', async () => {
    expectGracefulStop(await interruptThroughNpm('SIGTERM', 1, 0), 'SIGTERM');
  }, 60_000);
});
