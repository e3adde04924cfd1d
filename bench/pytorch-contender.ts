/**
 * PyTorch as a contender, when `python3 -c "import torch"` works (Debian's python3-torch): the
 * bench runs bench/pytorch.py in a process of its own (process-contender.ts), in float64 and
 * float32, on 1 and 2 threads; it records which BLAS the process mapped. The bench never installs
 * anything: without torch the rows are "missing", with the reason.
 */
import { spawnSync } from 'node:child_process';

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

/** Which BLAS a list of mapped library paths is: OpenBLAS, MKL, BLIS, the reference BLAS, or unknown. */
export function blasName(paths: readonly string[]): string {
  const all = paths.join(' ').toLowerCase();
  if (all.includes('openblas')) return 'OpenBLAS';
  if (all.includes('mkl')) return 'MKL';
  if (all.includes('blis')) return 'BLIS';
  if (/\/blas\/libblas/.test(all)) return 'reference BLAS';
  return paths.length === 0 ? 'none mapped' : 'unknown';
}
