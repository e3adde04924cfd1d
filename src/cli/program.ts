import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { PACKAGE_ROOT } from '../core/package-root.ts';
import { registerGrad } from './grad.ts';
import { registerGradcheck } from './gradcheck.ts';
import { registerInit } from './init.ts';
import { registerList } from './list.ts';
import { registerMerge } from './merge.ts';
import { registerNewExperiment } from './new-experiment.ts';
import { registerReport } from './report.ts';
import { registerRun } from './run.ts';
import { registerSweep } from './sweep.ts';
import { registerTrain } from './train.ts';

/** The localprop command-line program (README, The command line). */
export function createProgram(): Command {
  const program = new Command('localprop')
    .description(
      'localprop: back-propagation made local. A matrix back-prop engine, ' +
        'an agents engine (one RxJS agent per neuron), local learning rules, experiments and reports.',
    )
    .version((JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version)
    // One line per error, prefixed like our own errors; set before the commands so they inherit it.
    .configureOutput({ outputError: (message, write) => write(`localprop: ${message.replace(/^error: /, '')}`) });

  registerInit(program);
  registerGrad(program);
  registerTrain(program);
  registerGradcheck(program);
  registerRun(program);
  registerList(program);
  registerNewExperiment(program);
  registerReport(program);
  registerSweep(program);
  registerMerge(program);
  return program;
}
