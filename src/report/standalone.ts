/**
 * Each experiment file runs on its own:
 *
 *   npx tsx experiments/04-classification.ts [--quick|--full] [--seed S] [--out DIR] [--quiet]
 *
 * by ending with `runStandalone(import.meta.url, experiment)`. That call does nothing when the file
 * is imported (by `localprop run`, or a test); when the file is the main module it runs the
 * experiment like `localprop run NAME`, writes results/<name>/ and rebuilds results/index.html.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DivergenceError, InputError } from '../core/errors.ts';
import { experimentFile, userExperimentFile } from './discover.ts';
import type { Experiment } from './experiment.ts';
import { displayPath, RESULTS_DIR } from './paths.ts';
import { createProgress } from './progress.ts';
import { runExperiments } from './runner.ts';

/** Is the module at `moduleUrl` the script node was started with? */
export function isMainModule(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(script) === real(fileURLToPath(moduleUrl));
}

const USAGE = 'usage: npx tsx experiments/NN-name.ts [--quick|--full] [--seed S] [--out DIR] [--quiet]';

/** Run `experiment` from the command line when its file is the main module; exit codes as the CLI's. */
export function runStandalone(moduleUrl: string, experiment: Experiment): void {
  if (!isMainModule(moduleUrl)) return;
  void standalone(moduleUrl, experiment, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

async function standalone(moduleUrl: string, experiment: Experiment, argv: string[]): Promise<number> {
  try {
    let values: { quick?: boolean; full?: boolean; seed?: string; out?: string; quiet?: boolean; help?: boolean };
    try {
      ({ values } = parseArgs({
        args: argv,
        strict: true,
        allowPositionals: false,
        options: {
          quick: { type: 'boolean' },
          full: { type: 'boolean' },
          seed: { type: 'string' },
          out: { type: 'string' },
          quiet: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      }));
    } catch (e) {
      throw new InputError(`${e instanceof Error ? e.message : String(e)}; ${USAGE}`);
    }
    if (values.help) {
      process.stdout.write(`${experiment.name}: ${experiment.description}\n${USAGE}\n`);
      return 0;
    }
    if (values.quick && values.full) throw new InputError('--quick and --full exclude each other');
    if (values.seed !== undefined && values.seed.trim() === '') throw new InputError('--seed must not be empty');
    const path = fileURLToPath(moduleUrl);
    const file = experimentFile(path) ?? userExperimentFile(path);
    const quiet = values.quiet ?? false;
    const report = await runExperiments([{ experiment, file }], {
      budget: values.full ? 'full' : 'quick',
      seed: values.seed ?? '1',
      outDir: values.out ? resolve(values.out) : RESULTS_DIR,
      quiet,
      progress: createProgress({ quiet }),
    });
    process.stdout.write(`${displayPath(report)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof InputError || e instanceof DivergenceError) {
      process.stderr.write(`${experiment.name}: ${e.message}\n`);
      return e instanceof InputError ? 2 : 3;
    }
    process.stderr.write(
      `${experiment.name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return 1;
  }
}
