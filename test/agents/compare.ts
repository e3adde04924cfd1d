/** Shared by the agents tests: both engines from the same params (and rule), and the 1e-12 comparison. */
import { expect } from 'vitest';
import { AgentsEngine } from '../../src/engines/agents-engine.ts';
import { MatrixEngine } from '../../src/engines/matrix-engine.ts';
import type { NetworkOptions } from '../../src/nn/network.ts';
import type { Params } from '../../src/nn/params.ts';
import type { NetSpec } from '../../src/nn/spec.ts';
import { createMatrixRule, type RuleOptions } from '../../src/rules/index.ts';

export function bothEngines(
  spec: NetSpec,
  params: Params,
  options: NetworkOptions = {},
  rule: RuleOptions = { rule: 'backprop' },
): { matrix: MatrixEngine; agents: AgentsEngine } {
  return {
    matrix: new MatrixEngine(spec, params, (net) => createMatrixRule(rule, net), options),
    agents: new AgentsEngine(spec, params, rule, options),
  };
}

/**
 * |a − b| ≤ 1e-12, relative where |a| > 1. A run that diverges must diverge alike: NaN matches NaN, ±Infinity itself.
 */
export function close(a: number, b: number, tolerance = 1e-12): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a));
}

/** Index and values of the first entry that is not close, or null. */
export function firstMismatch(a: ArrayLike<number>, b: ArrayLike<number>): string | null {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  for (let k = 0; k < a.length; k++) if (!close(a[k]!, b[k]!)) return `[${k}] ${a[k]} vs ${b[k]}`;
  return null;
}

export function expectParamsClose(matrix: Params, agents: Params, what: string): void {
  expect(agents.layers.length, what).toBe(matrix.layers.length);
  matrix.layers.forEach((l, i) => {
    expect(firstMismatch(l.weights, agents.layers[i]!.weights), `${what}: layer ${i} weights`).toBeNull();
    expect(firstMismatch(l.bias, agents.layers[i]!.bias), `${what}: layer ${i} bias`).toBeNull();
  });
}
