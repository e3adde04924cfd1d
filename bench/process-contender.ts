/**
 * The bench's side of a contender in a process of its own (protocol.ts): start it (a JavaScript
 * contender under node --import tsx, PyTorch under the first Python that imports torch), send the
 * job, wait until it is ready, then ask for repetitions one at a time, so that processes take
 * turns with each other as in-process cases do. What the process prints outside the protocol goes
 * to the bench's stderr; when it dies, the reason is its last line on stderr.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_PREFIX, type ContenderJob, type ProcessReady, type Repetition } from './protocol.ts';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const NODE_CHILD = join(ROOT, 'bench', 'contender-process.ts');
const PYTHON_CHILD = join(ROOT, 'bench', 'pytorch.py');

export class ContenderProcess {
  private readonly answers: string[] = [];
  private waiting: ((line: string | null) => void) | null = null;
  private lastError = '';
  private exited: string | null = null;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    log: (line: string) => void,
    name: string,
  ) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith(PROTOCOL_PREFIX)) return log(`  [${name}] ${line}`);
      const answer = line.slice(PROTOCOL_PREFIX.length);
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(answer);
      } else this.answers.push(answer);
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (line.trim()) this.lastError = line.trim();
    });
    child.on('exit', (code, signal) => {
      this.exited = `${name} exited (${signal ?? `code ${code}`})${this.lastError ? `: ${this.lastError}` : ''}`;
      this.waiting?.(null);
      this.waiting = null;
    });
    child.on('error', (error) => {
      this.lastError = error.message;
    });
  }

  /** Starts the process and waits until every case is built, checked and warmed up. */
  static async start(
    runtime: { command: string; args: string[] },
    job: ContenderJob,
    name: string,
    log: (line: string) => void,
  ): Promise<{ process: ContenderProcess; ready: ProcessReady }> {
    const child = spawn(runtime.command, runtime.args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const p = new ContenderProcess(child, log, name);
    child.stdin.write(`${JSON.stringify(job)}\n`);
    const ready = JSON.parse(await p.answer()) as ProcessReady;
    return { process: p, ready };
  }

  private answer(): Promise<string> {
    const queued = this.answers.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.exited) return Promise.reject(new Error(this.exited));
    return new Promise((resolve, reject) => {
      this.waiting = (line) => (line === null ? reject(new Error(this.exited ?? 'the process exited')) : resolve(line));
    });
  }

  async repetition(k: number): Promise<Repetition> {
    this.child.stdin.write(`${JSON.stringify({ case: k })}\n`);
    return JSON.parse(await this.answer()) as Repetition;
  }

  /** Closes its stdin (it exits) and waits for it to go. */
  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    await gone;
  }
}

export const nodeRuntime = { command: process.execPath, args: ['--import', 'tsx', NODE_CHILD] };
export const pythonRuntime = (python: string): { command: string; args: string[] } => ({
  command: python,
  args: [PYTHON_CHILD],
});
