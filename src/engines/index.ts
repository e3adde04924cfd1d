/** Build an engine by name (the CLI's --engine and --rule). */
import { AgentsEngine } from './agents-engine.ts';
import type { Engine, EngineName } from '../nn/engine.ts';
import type { NetworkOptions } from '../nn/network.ts';
import type { Params } from '../nn/params.ts';
import type { NetSpec } from '../nn/spec.ts';
import { createMatrixRule, mergedSettings, type RuleOptions } from '../rules/index.ts';
import { leakySettings, type DynamicsOptions } from '../rules/merged-continuous.ts';
import type { Timing } from '../agents/timing.ts';
import { ContinuousEngine } from './continuous-engine.ts';
import { MatrixEngine } from './matrix-engine.ts';
import { OverlapEngine, type OverlapTiming } from './overlap-engine.ts';
import { InputError } from '../core/errors.ts';

export { AgentsEngine } from './agents-engine.ts';
export { MatrixEngine } from './matrix-engine.ts';
export { ContinuousEngine } from './continuous-engine.ts';
export { OverlapEngine } from './overlap-engine.ts';
export { DelayedSgd, overlapSchedule, type DelayedUpdate, type OverlapSchedule } from './delayed-sgd.ts';

export function createEngine(
  engine: EngineName,
  spec: NetSpec,
  params: Params,
  rule: RuleOptions,
  options: NetworkOptions = {},
  dynamics: DynamicsOptions = {},
  timing?: Timing,
): Engine {
  const leaky = leakySettings(dynamics, rule.rule, engine);
  if (leaky !== null) {
    if (timing?.mode === 'scheduled') {
      throw new InputError(
        '--timing scheduled does not apply to --dynamics leaky, whose neurons step themselves in continuous time',
      );
    }
    return new ContinuousEngine(spec, params, mergedSettings(rule), leaky);
  }
  switch (engine) {
    case 'matrix':
      return new MatrixEngine(spec, params, (net) => createMatrixRule(rule, net), options);
    case 'agents':
      if (timing?.mode === 'scheduled' && timing.presentEvery !== undefined) {
        return new OverlapEngine(spec, params, rule, timing as OverlapTiming);
      }
      return new AgentsEngine(spec, params, rule, options, timing);
  }
}
