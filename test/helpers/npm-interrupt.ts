/**
 * `npm run -s localprop -- run activations regression` in its own process group, as a terminal
 * runs it, interrupted the way a terminal does: the signal goes to the whole group (npm, the
 * shell, node), kill(−pgid, signal), once or several times, after the first experiment is done.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Interrupted {
  out: string;
  stderr: string;
  /** npm's own exit: a code, or the signal it re-raised. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Whether anything of the process group is still alive after npm closed. */
  groupAlive: boolean;
}

const cwd = join(import.meta.dirname, '..', '..');

/** Processes of the group that still run: zombies (exited, waiting for a parent to reap them) do not count. */
function liveMembers(pgid: number): number {
  let live = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(group) === pgid && state !== 'Z') live++;
  }
  return live;
}

export function interruptThroughNpm(signal: NodeJS.Signals, repeats: number, gapMs: number): Promise<Interrupted> {
  const out = mkdtempSync(join(tmpdir(), 'localprop-npm-signal-'));
  const child = spawn(
    'npm',
    ['run', '-s', 'localprop', '--', 'run', 'activations', 'regression', '--quick', '--out', out],
    {
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  let sent = false;
  const send = (left: number): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      return; // the group has gone already
    }
    if (left > 1) setTimeout(() => send(left - 1), gapMs);
  };
  return new Promise((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // stderr is not a terminal, so each finished experiment prints one line.
      if (!sent && /activations: done/.test(stderr)) {
        sent = true;
        send(repeats);
      }
    });
    child.on('close', (code, sig) => {
      const groupAlive = liveMembers(child.pid!) > 0;
      if (groupAlive) process.kill(-child.pid!, 'SIGKILL');
      resolve({ out, stderr, code, signal: sig, groupAlive });
    });
  });
}

/**
 * The graceful stop: the message, exit 128 + signal, the finished experiment kept, index.html rebuilt, nothing left
 * running.
 */
export function expectGracefulStop(r: Interrupted, signal: NodeJS.Signals): void {
  const code = signal === 'SIGINT' ? 130 : 143;
  // npm passes the exit code on, or re-raises the signal on itself.
  expect(r.code === code || r.signal === signal, `${r.code} ${r.signal}\n${r.stderr}`).toBe(true);
  expect(r.stderr).toMatch(
    new RegExp(`localprop: interrupted \\(${signal}\\): did not finish regression; finished activations\\.`),
  );
  expect(r.stderr).not.toMatch(/stopped at once/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(join(r.out, 'activations', 'summary.json'))).toBe(true);
  expect(existsSync(join(r.out, 'regression'))).toBe(false);
  expect(readFileSync(join(r.out, 'index.html'), 'utf8')).toContain('data-experiment="activations"');
  expect(r.groupAlive).toBe(false);
}
