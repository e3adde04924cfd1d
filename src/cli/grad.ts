import type { Command } from 'commander';
import { createEngine } from '../engines/index.ts';
import { paramsJsonChunks } from '../nn/params.ts';
import { checkFiniteGradient } from './divergence-hint.ts';
import { engineName, loadBatch, loadNet, loadParams, positiveNumber, positiveInt, ruleName, ruleOptions, type RuleFlags } from './options.ts';
import type { EngineName } from '../nn/engine.ts';
import { RULE_NAMES } from '../rules/index.ts';

export function addRuleOptions(command: Command): Command {
  return command
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
  ).action((opts: RuleFlags & { net: string; params: string; data: string; engine: EngineName }) => {
    const spec = loadNet(opts.net);
    const params = loadParams(spec, opts.params);
    const batch = loadBatch(spec, opts.data);
    const rule = ruleOptions(opts);
    const engine = createEngine(opts.engine, spec, params, rule);
    const result = engine.gradient(batch.inputs, batch.targets);
    checkFiniteGradient(result, rule, `grad --rule ${opts.rule}`);
    // The gradients in pieces, as a params file is written: they are as large as the params.
    const { loss, outputs, gradients } = result;
    process.stdout.write(`{"loss":${JSON.stringify(loss)},"outputs":${JSON.stringify(outputs.map((o) => Array.from(o)))},"gradients":`);
    for (const piece of paramsJsonChunks(spec, gradients)) process.stdout.write(piece);
    process.stdout.write('}\n');
  });
}
