import type { Command } from 'commander';
import { createEngine } from '../engines/index.ts';
import { paramsToJSON } from '../nn/params.ts';
import { engineName, loadBatch, loadNet, loadParams, positiveNumber, positiveInt, ruleName, ruleOptions, type RuleFlags } from './options.ts';
import type { EngineName } from '../nn/engine.ts';
import { RULE_NAMES } from '../rules/index.ts';
import { createRandom } from '../core/random.ts';
import { addTimingOptions, timingOf, type TimingFlags } from './timing-options.ts';

export function addRuleOptions(command: Command): Command {
  return addTimingOptions(command)
    .option('--engine <name>', 'engine: matrix (vectorised) or agents (one RxJS agent per neuron)', engineName, 'matrix')
    .option('--rule <name>', `learning rule: ${RULE_NAMES.join(', ')}`, ruleName, 'backprop')
    .option('--beta <β>', 'merged: nudge strength β', positiveNumber)
    .option('--symmetric', 'merged: nudge by +β and −β and take the difference')
    .option('--steps <T>', 'predictive coding: inference steps T', positiveInt)
    .option('--gamma <γ>', 'predictive coding: inference rate γ', positiveNumber)
    .option('--zil', 'predictive coding: the Z-IL schedule (equals back-prop exactly)');
}

export function registerGrad(program: Command): void {
  addRuleOptions(
    program
      .command('grad')
      .description('print { loss, outputs, gradients } for a batch: E summed over its patterns, and the rule\'s update direction (∂E/∂w for backprop) in the params layout')
      .requiredOption('--net <file>', 'net spec (*.net.json)')
      .requiredOption('--params <file>', 'params (*.params.json)')
      .requiredOption('--data <file>', 'batch { "inputs": [[...]], "targets": [[...]] }, or a CSV file (*.csv, *.csv.gz): the inputs then the class label on each line')
      .option('--seed <seed>', 'seed for the rule\'s random feedback weights (FA, DFA)', '1'),
  ).action((opts: RuleFlags & TimingFlags & { net: string; params: string; data: string; engine: EngineName }) => {
    const spec = loadNet(opts.net);
    const params = loadParams(spec, opts.params);
    const batch = loadBatch(spec, opts.data);
    const timing = timingOf(opts, opts.engine, createRandom(opts.seed).derive('delays'));
    const engine = createEngine(opts.engine, spec, params, ruleOptions(opts), {}, timing);
    const { loss, outputs, gradients } = engine.gradient(batch.inputs, batch.targets);
    const result = { loss, outputs: outputs.map((o) => Array.from(o)), gradients: paramsToJSON(spec, gradients) };
    process.stdout.write(JSON.stringify(result) + '\n');
  });
}
