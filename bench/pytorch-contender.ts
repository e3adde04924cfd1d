/**
 * PyTorch as a contender, when `python3 -c "import torch"` works (Debian's python3-torch): the
 * bench's net, initial weights and patterns, trained by bench/pytorch.py in a process of its own,
 * in float64 and float32, on 1 and 2 threads. It records which BLAS the process mapped, and the
 * check that its loss falls before it is timed. It runs after the in-process contenders (it
 * cannot take turns with them), so its ratios to the matrix engine come from the same run but
 * not from interleaved repetitions. The bench never installs anything: without torch the rows
 * are "missing", with the reason.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSetup } from './contender.ts';

export interface PyTorchRow {
  contender: string;
  dtype: 'float64' | 'float32';
  threads: number;
  batch: number;
  status: 'ok' | 'missing' | 'loss did not fall';
  reason?: string;
  samplesPerSecond?: number;
  /** Samples/s of each repetition (the figure is their median). */
  repetitions?: number[];
  check?: { patterns: number; lossBefore: number; lossAfter: number; passed: boolean };
  torch?: string;
  python?: string;
  blas?: string[];
  relativeToMatrix?: number;
}

const SCRIPT = new URL('./pytorch.py', import.meta.url).pathname;

/**
 * The first Python that imports torch, of $LOCALPROP_PYTHON, `python3` on the PATH, and Debian's
 * /usr/bin/python3 (python3-torch installs there; a pyenv or venv python3 may come first on the
 * PATH); else why none does.
 */
export function findPyTorch(): { python: string } | { missing: string } {
  const candidates = [process.env.LOCALPROP_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  const reasons: string[] = [];
  for (const python of new Set(candidates)) {
    const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
    if (!r.error && r.status === 0) return { python };
    reasons.push(`${python}: ${r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`)}`);
  }
  return { missing: reasons.join('; ') };
}

const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export function runPyTorch(
  setup: BenchSetup,
  batches: number[],
  budget: { warmupSeconds: number; reps: number; repPatterns: number },
  log: (line: string) => void,
): PyTorchRow[] {
  const cases = (['float64', 'float32'] as const).flatMap((dtype) =>
    [1, 2].flatMap((threads) => batches.map((batch) => ({ dtype, threads, batch }))),
  );
  const found = findPyTorch();
  const rows: PyTorchRow[] = cases.map((c) => ({ contender: `pytorch-${c.dtype}-${c.threads}t`, ...c, status: 'ok' }));
  if ('missing' in found) {
    for (const row of rows) Object.assign(row, { status: 'missing', reason: found.missing });
    log(`pytorch: missing — ${found.missing}`);
    return rows;
  }
  const dir = mkdtempSync(join(tmpdir(), 'localprop-bench-'));
  try {
    const { inputs, targets } = setup.data;
    const data = new Float64Array(inputs.length * 785);
    inputs.forEach((x, p) => {
      data.set(x, p * 784);
    });
    targets.forEach((t, p) => {
      data[inputs.length * 784 + p] = t.indexOf(1);
    });
    writeFileSync(join(dir, 'data.f64'), data);
    const params = setup.params.layers.flatMap((l) => [l.weights, l.bias]);
    writeFileSync(
      join(dir, 'params.f64'),
      Buffer.concat(params.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))),
    );
    const hidden = setup.params.layers[0]!.bias.length;
    for (const row of rows) {
      log(`${row.contender}, batch ${row.batch}: in its own process`);
      const job = {
        data: join(dir, 'data.f64'),
        params: join(dir, 'params.f64'),
        patterns: inputs.length,
        hidden,
        batch: row.batch,
        dtype: row.dtype,
        threads: row.threads,
        eta: setup.η,
        ...budget,
      };
      const r = spawnSync(found.python, [SCRIPT], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 1 << 24 });
      if (r.status !== 0) {
        Object.assign(row, { status: 'missing', reason: r.stderr.trim().split('\n').pop() ?? `exit ${r.status}` });
        continue;
      }
      const out = JSON.parse(r.stdout) as {
        check: PyTorchRow['check'];
        torch: string;
        blas: string[];
        samplesPerSecond?: number[];
      };
      Object.assign(row, { python: found.python, check: out.check, torch: out.torch, blas: out.blas });
      if (!out.check!.passed) row.status = 'loss did not fall';
      else Object.assign(row, { repetitions: out.samplesPerSecond, samplesPerSecond: median(out.samplesPerSecond!) });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
