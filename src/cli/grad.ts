import type { Command } from 'commander';
import { createEngine } from '../engines/index.ts';
import { paramsJsonChunks } from '../nn/params.ts';
import { checkFiniteGradient } from './divergence-hint.ts';
import {
  dynamicsOptions,
  engineName,
  loadBatch,
  oneOf,
  loadNet,
  loadParams,
  positiveNumber,
  positiveInt,
  ruleName,
  ruleOptions,
  type RuleFlags,
} from './options.ts';
import type { EngineName } from '../nn/engine.ts';
import { RULE_NAMES } from '../rules/index.ts';
import { DYNAMICS_NAMES, LEAKY_DEFAULTS } from '../rules/merged-continuous.ts';
import { createRandom } from '../core/random.ts';
import { addTimingOptions, timingOf, type TimingFlags } from './timing-options.ts';

export function addRuleOptions(command: Command): Command {
  return addTimingOptions(command)
    .option(
      '--engine <name>',
      'engine: matrix (vectorised) or agents (one RxJS agent per neuron)',
      engineName,
      'matrix',
    )
    .option('--rule <name>', `learning rule: ${RULE_NAMES.join(', ')}`, ruleName, 'backprop')
    .option('--beta <β>', 'merged: nudge strength β', positiveNumber)
    .option('--symmetric', 'merged: nudge by +β and −β and take the difference')
    .option('--steps <T>', 'predictive coding: inference steps T', positiveInt)
    .option('--gamma <γ>', 'predictive coding: inference rate γ', positiveNumber)
    .option('--zil', 'predictive coding: the Z-IL schedule (equals back-prop exactly)')
    .option('--scaled', "usf: feedback s·sign(W), s = √(2/(fanIn + fanOut)) per layer (BioTorch's scaling_factor)")
    .option(
      '--dynamics <mode>',
      'agents engine, merged rule: discrete (default; one value per phase) or leaky (continuous time: ' +
        'τ du/dt = −u + Σ w x + b + top-down, Euler steps on a clock)',
      oneOf(DYNAMICS_NAMES),
    )
    .option('--tau <τ>', `leaky: time constant τ (default ${LEAKY_DEFAULTS.τ})`, positiveNumber)
    .option('--dt <h>', `leaky: Euler step h, less than τ (default ${LEAKY_DEFAULTS.hOverτ}·τ)`, positiveNumber)
    .option(
      '--phase <T>',
      `leaky: length of each nudged phase (default ${LEAKY_DEFAULTS.TOverτ}·τ); ` +
        `the free phase runs until the outputs settle`,
      positiveNumber,
    )
    .option(
      '--settle <ε>',
      `leaky: the free phase ends when no output moves by more than ε·h/τ in a step (default ${LEAKY_DEFAULTS.settle})`,
      positiveNumber,
    );
}

export function registerGrad(program: Command): void {
  addRuleOptions(
    program
      .command('grad')
      .description(
        'print { loss, outputs, gradients } for a batch: E summed over its patterns, ' +
          "and the rule's update direction (∂E/∂w for backprop) in the params layout",
      )
      .requiredOption('--net <file>', 'net spec (*.net.json)')
      .requiredOption('--params <file>', 'params (*.params.json)')
      .requiredOption(
        '--data <file>',
        'batch { "inputs": [[...]], "targets": [[...]] }, or a CSV file (*.csv, *.csv.gz): ' +
          'the inputs then the class label on each line',
      )
      .option('--seed <seed>', "seed for the rule's random feedback weights (FA, DFA)", '1'),
  ).action((opts: RuleFlags & TimingFlags & { net: string; params: string; data: string; engine: EngineName }) => {
    const spec = loadNet(opts.net);
    const params = loadParams(spec, opts.params);
    const batch = loadBatch(spec, opts.data);
    const rule = ruleOptions(opts);
    const timing = timingOf(opts, opts.engine, createRandom(opts.seed).derive('delays'));
    const engine = createEngine(opts.engine, spec, params, rule, {}, dynamicsOptions(opts), timing);
    const result = engine.gradient(batch.inputs, batch.targets);
    checkFiniteGradient(result, rule, `grad --rule ${opts.rule}`);
    // The gradients in pieces, as a params file is written: they are as large as the params.
    const { loss, outputs, gradients } = result;
    process.stdout.write(
      `{"loss":${JSON.stringify(loss)},"outputs":${JSON.stringify(outputs.map((o) => Array.from(o)))},"gradients":`,
    );
    for (const piece of paramsJsonChunks(spec, gradients)) process.stdout.write(piece);
    process.stdout.write('}\n');
  });
}
