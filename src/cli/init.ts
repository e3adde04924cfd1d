import type { Command } from 'commander';
import { createRandom } from '../core/random.ts';
import { defaultInit, initParams, INIT_NAMES, paramsToJSON, type InitName } from '../nn/params.ts';
import { checkWritable, loadNet, oneOf, writeOut } from './options.ts';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('initialise params for a net from a seed; prints params JSON to stdout (or writes --out)')
    .requiredOption('--net <file>', 'net spec (*.net.json)')
    .option('--seed <seed>', 'random seed', '1')
    .option('--init <name>', `initialiser: ${INIT_NAMES.join(', ')} (default: he-normal if the net has relu, else lecun-normal)`, oneOf<InitName>(INIT_NAMES))
    .option('--out <file>', 'write the params here instead of stdout')
    .action((opts: { net: string; seed: string; init?: InitName; out?: string }) => {
      const spec = loadNet(opts.net);
      if (opts.out !== undefined) checkWritable(opts.out);
      const params = initParams(spec, createRandom(opts.seed).derive('init'), opts.init ?? defaultInit(spec));
      const text = JSON.stringify(paramsToJSON(spec, params)) + '\n';
      if (opts.out) writeOut(opts.out, text);
      else process.stdout.write(text);
    });
}
