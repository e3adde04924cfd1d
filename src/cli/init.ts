import type { Command } from 'commander';
import { createRandom } from '../core/random.ts';
import { defaultInit, initParams, INIT_NAMES, paramsFileChunks, type InitName } from '../nn/params.ts';
import { loadNet, oneOf } from './options.ts';
import { checkOutFile, STDOUT, writeOut } from './out-path.ts';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('initialise params for a net from a seed; prints params JSON to stdout (or writes --out)')
    .requiredOption('--net <file>', 'net spec (*.net.json)')
    .option('--seed <seed>', 'random seed', '1')
    .option(
      '--init <name>',
      `initialiser: ${INIT_NAMES.join(', ')} (default: he-normal if the net has relu, else lecun-normal)`,
      oneOf<InitName>(INIT_NAMES),
    )
    .option('--out <file>', 'write the params here instead of stdout ("-" is stdout)')
    .action((opts: { net: string; seed: string; init?: InitName; out?: string }) => {
      const out = opts.out === undefined ? STDOUT : checkOutFile(opts.out, { files: [opts.net] });
      const spec = loadNet(opts.net);
      const params = initParams(spec, createRandom(opts.seed).derive('init'), opts.init ?? defaultInit(spec));
      writeOut(out, paramsFileChunks(spec, params));
    });
}
