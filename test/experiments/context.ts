/** A run context for calling an experiment's run() directly in a test, with a budget of the test's choosing. */
import { createRandom } from '../../src/core/random.ts';
import type { Experiment, ExperimentContext } from '../../src/report/index.ts';

export function context<B extends object>(experiment: Experiment<B>, budget: B, seed = '1'): ExperimentContext<B> {
  return {
    budget,
    budgetName: 'quick',
    seed,
    random: createRandom(seed).derive(experiment.name),
    progress: () => {},
    quiet: true,
  };
}
