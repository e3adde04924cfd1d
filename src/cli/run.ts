import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { describeValue } from '../core/tensor.ts';
import {
  isExperimentPath,
  listExperimentFiles,
  loadExperiment,
  userExperimentFile,
  type ExperimentFile,
} from '../report/discover.ts';
import { displayPath, EXPERIMENTS_DIR, RESULTS_DIR } from '../report/paths.ts';
import { createProgress } from '../report/progress.ts';
import { runExperiments } from '../report/runner.ts';
import { checkOutFolder } from './out-path.ts';

interface RunFlags {
  quick?: boolean;
  full?: boolean;
  seed: string;
  out?: string;
  quiet?: boolean;
}

/**
 * The files for the names asked for, in the order given (all, in reading order, when none). An argument
 * with a slash or a .ts/.js extension is the path of a user's experiment file.
 */
export function selectExperiments(args: string[], files: ExperimentFile[] = listExperimentFiles()): ExperimentFile[] {
  if (args.length === 0) return files;
  const userFiles = new Map(args.filter(isExperimentPath).map((arg) => [arg, userExperimentFile(arg)]));
  const names = args.filter((arg) => !userFiles.has(arg));
  const valid = files.map((f) => f.name);
  const unknown = names.filter((n) => !valid.includes(n));
  if (unknown.length > 0) {
    throw new InputError(
      `unknown experiment${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => describeValue(n)).join(', ')}; ` +
        `expected one of: ${valid.join(', ')}`,
    );
  }
  const selected = [...new Set(args)].map((arg) => userFiles.get(arg) ?? files.find((f) => f.name === arg)!);
  const twice = selected.find((f, i) => selected.findIndex((g) => g.name === f.name) !== i);
  if (twice) {
    throw new InputError(`two experiments named ${JSON.stringify(twice.name)}; each would write <out>/${twice.name}/`);
  }
  return selected;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'run experiments (all by default, in reading order), write results/<experiment>/ (data.json, ' +
        "charts as .vl.json, .svg, .png) and results/index.html, and print the report's path. " +
        "Ctrl-C stops when the running experiment's computation ends, without writing it; " +
        'the folders of the experiments that finished, and earlier results of the rest, stay; exit code 130',
    )
    .argument('[experiments...]', 'experiment names (see `localprop list`), or paths of your own files (.ts, .js)')
    .option('--quick', 'the quick budget (default)')
    .option('--full', 'the full budget')
    .option('--seed <seed>', 'seed for every random choice', '1')
    .option('--out <dir>', 'results folder (default: ./results)')
    .option('--quiet', 'no progress and no messages on stderr')
    .action(async (names: string[], opts: RunFlags) => {
      if (opts.quick && opts.full) throw new InputError('--quick and --full exclude each other');
      if (opts.seed.trim() === '') throw new InputError('--seed must not be empty');
      const outDir = checkOutFolder(opts.out ?? RESULTS_DIR, { folders: [EXPERIMENTS_DIR] });
      const files = selectExperiments(names);
      if (files.length === 0) throw new InputError('no experiments found in experiments/');
      const quiet = opts.quiet ?? false;
      const experiments = [];
      for (const file of files) experiments.push({ experiment: await loadExperiment(file), file });
      const report = await runExperiments(experiments, {
        budget: opts.full ? 'full' : 'quick',
        seed: opts.seed,
        outDir,
        quiet,
        progress: createProgress({ quiet }),
      });
      process.stdout.write(`${displayPath(report)}\n`);
    });
}
