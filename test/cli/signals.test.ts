/**
 * Ctrl-C (and SIGTERM) under `npm run -s localprop -- run …`, the README's way to run, on a real
 * process group: the signal reaches npm, the shell and node, and npm forwards it again, so node
 * sees it more than once. The run must stop gracefully all the same: the message, exit 128 + signal,
 * the finished experiment kept, index.html rebuilt, nothing left running.
 */
import { describe, it } from 'vitest';
import { expectGracefulStop, interruptThroughNpm } from '../helpers/npm-interrupt.ts';

describe('interrupting `npm run -s localprop -- run` on a process group', () => {
  it('Ctrl-C delivered twice (terminal and npm): one graceful stop, exit 130, index rebuilt', async () => {
    expectGracefulStop(await interruptThroughNpm('SIGINT', 2, 50), 'SIGINT');
  }, 60_000);

  it('SIGTERM is handled like SIGINT: graceful stop, exit 143', async () => {
    expectGracefulStop(await interruptThroughNpm('SIGTERM', 1, 0), 'SIGTERM');
  }, 60_000);
});
