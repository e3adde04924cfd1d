/** Build an engine by name (the CLI's --engine and --rule). */
import { AgentsEngine } from './agents-engine.ts';
import type { Engine, EngineName } from '../nn/engine.ts';
import type { NetworkOptions } from '../nn/network.ts';
import type { Params } from '../nn/params.ts';
import type { NetSpec } from '../nn/spec.ts';
import { createMatrixRule, type RuleOptions } from '../rules/index.ts';
import type { Timing } from '../agents/timing.ts';
import { MatrixEngine } from './matrix-engine.ts';

export { AgentsEngine } from './agents-engine.ts';
export { MatrixEngine } from './matrix-engine.ts';

export function createEngine(
  engine: EngineName,
  spec: NetSpec,
  params: Params,
  rule: RuleOptions,
  options: NetworkOptions = {},
  timing?: Timing,
): Engine {
  switch (engine) {
    case 'matrix':
      return new MatrixEngine(spec, params, (net) => createMatrixRule(rule, net), options);
    case 'agents':
      return new AgentsEngine(spec, params, rule, options, timing);
  }
}
