import type { Command } from 'commander';
import { displayPath, RESULTS_DIR } from '../report/paths.ts';
import { writeReport } from '../report/runner.ts';
import { checkOutFolder } from './out-path.ts';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'rebuild results/index.html from the experiment folders already there (nothing is re-run); prints its path',
    )
    .option('--out <dir>', 'results folder (default: ./results)')
    .action((opts: { out?: string }) => {
      const report = writeReport(checkOutFolder(opts.out ?? RESULTS_DIR));
      process.stdout.write(`${displayPath(report)}\n`);
    });
}
