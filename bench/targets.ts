/**
 * The targets of README "Performance" as numbers, computed from one bench run: each is a ratio of
 * samples/s measured side by side, with its threshold (at least, or at most for the agents engine's
 * slowdown), or none where the figure is only to be reported. A target whose figures were not
 * measured has met = null.
 */
import { blasName } from './pytorch-contender.ts';
import type { CaseResult, NetResult, Target } from './results.ts';

const ratio = (a: number | null, b: number | null): number | null => (a !== null && b !== null ? a / b : null);

function target(goal: string, value: number | null, threshold: number | null, atMost = false): Target {
  const met = value === null || threshold === null ? null : atMost ? value <= threshold : value >= threshold;
  return { goal, value, threshold, atMost, met };
}

/** Samples/s of a timed case, or null. */
function speed(net: NetResult | undefined, id: string, batch: number): number | null {
  return net?.results.find((r) => r.contender === id && r.batch === batch)?.timing?.samplesPerSecond ?? null;
}

/** The faster of PyTorch's timed rows in this dtype (1 or 2 threads), with the BLAS it mapped. */
function fastestPyTorch(
  net: NetResult | undefined,
  dtype: 'float64' | 'float32',
  batch: number,
): { sps: number | null; blas: string } {
  const rows = (net?.results ?? []).filter(
    (r): r is CaseResult & { timing: NonNullable<CaseResult['timing']> } =>
      r.contender.startsWith(`pytorch-${dtype}-`) && r.batch === batch && r.timing !== undefined,
  );
  if (rows.length === 0) return { sps: null, blas: 'not measured' };
  const best = rows.reduce((a, b) => (b.timing.samplesPerSecond > a.timing.samplesPerSecond ? b : a));
  return { sps: best.timing.samplesPerSecond, blas: blasName((best.details?.['blas'] as string[]) ?? []) };
}

/**
 * Floating-point operations of one training sample of a dense net of these widths: per layer of m units on n
 * inputs, 2mn for the forward pass z = W x + b, 2mn for the gradient x Δzᵀ, and 2mn for the error Wᵀ Δz pushed
 * to the layer below (not from the first layer).
 */
export function denseTrainingFlops(widths: readonly number[]): number {
  let flops = 0;
  for (let l = 1; l < widths.length; l++) flops += 2 * widths[l]! * widths[l - 1]! * (l === 1 ? 2 : 3);
  return flops;
}

/** GFLOP/s of one thread of the matrix engine (its 1-thread case) on 784-H-10 at batch B, or null. */
export function matrixGflops(net: NetResult | undefined, H: number, B: number): number | null {
  const sps = speed(net, 'matrix-1t', B);
  return sps === null ? null : (sps * denseTrainingFlops([784, H, 10])) / 1e9;
}

export function computeTargets(nets: readonly NetResult[]): Target[] {
  const targets: Target[] = [];
  const mlp = (H: number): NetResult | undefined => nets.find((n) => n.name === `784-${H}-10`);
  for (const H of [128, 512]) {
    const net = mlp(H);
    const m = (B: number): number | null => speed(net, 'matrix', B);
    const torch32 = fastestPyTorch(net, 'float64', 32);
    targets.push(
      target(`batch 32, H = ${H}: matrix ÷ tfjs-wasm ≥ 1.5`, ratio(m(32), speed(net, 'tfjs-wasm', 32)), 1.5),
    );
    // The issue's bar depends on the BLAS: ≥ 1 against the reference BLAS; an optimised one is the machine's limit.
    const reference = torch32.blas === 'reference BLAS';
    const optimisedBar = H === 512 ? 0.25 : null;
    targets.push(
      target(
        `batch 32, H = ${H}: matrix ÷ PyTorch float64 (faster of 1 and 2 threads; ${torch32.blas}) ` +
          `${reference ? '≥ 1' : optimisedBar === null ? '(to report)' : `≥ ${optimisedBar}`}`,
        ratio(m(32), torch32.sps),
        reference ? 1 : optimisedBar,
      ),
    );
  }
  const big = mlp(512);
  targets.push(
    target(
      'H = 512: matrix samples/s at batch 32 ÷ at batch 1 ≥ 2',
      ratio(speed(big, 'matrix', 32), speed(big, 'matrix', 1)),
      2,
    ),
  );
  // What bounds that ratio: how fast one thread computes at batch 1 and at batch 32.
  for (const B of [1, 32])
    targets.push({
      ...target(`H = 512, matrix engine on 1 thread, batch ${B}: GFLOP/s (to report)`, matrixGflops(big, 512, B), null),
      unit: 'GFLOP/s',
    });
  for (const H of [128, 512]) {
    const net = mlp(H);
    const torch1 = fastestPyTorch(net, 'float64', 1);
    targets.push(
      target(
        `batch 1, H = ${H}: matrix ÷ tfjs-wasm ≥ 8`,
        ratio(speed(net, 'matrix', 1), speed(net, 'tfjs-wasm', 1)),
        8,
      ),
    );
    targets.push(
      target(
        `batch 1, H = ${H}: matrix ÷ PyTorch float64 (faster of 1 and 2 threads; ${torch1.blas}) ≥ 2.5`,
        ratio(speed(net, 'matrix', 1), torch1.sps),
        2.5,
      ),
    );
  }
  for (const H of [128, 512]) {
    const net = mlp(H);
    for (const [B, bar] of [
      [1, 2],
      [32, 3],
    ] as const)
      targets.push(
        target(
          `batch ${B}, H = ${H}: agents time per pattern ÷ matrix time per pattern ≤ ${bar}`,
          ratio(speed(net, 'matrix', B), speed(net, 'agents', B)),
          bar,
          true,
        ),
      );
  }
  const conv = nets.find((n) => n.kind === 'conv');
  if (conv) {
    const B = conv.batches[0]!;
    const m = speed(conv, 'matrix', B);
    targets.push(
      target(`${conv.name}, batch ${B}: matrix ÷ tfjs-wasm (to report)`, ratio(m, speed(conv, 'tfjs-wasm', B)), null),
    );
    for (const dtype of ['float64', 'float32'] as const) {
      const t = fastestPyTorch(conv, dtype, B);
      targets.push(
        target(
          `${conv.name}, batch ${B}: matrix ÷ PyTorch ${dtype} (faster of 1 and 2 threads; ${t.blas}) (to report)`,
          ratio(m, t.sps),
          null,
        ),
      );
    }
  }
  return targets;
}
