/** `localprop merge DIR... --out DIR`: join a study's shards into one sweep folder (README "Running on a cluster"). */
import type { Command } from 'commander';
import { mergeSweeps } from '../study/merge-sweeps.ts';
import { checkOutFolder } from './out-path.ts';
import { formatSummary } from './sweep.ts';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description(
      "merge the output folders of a study's shards into one (study.json, every cell once, summary.json, " +
        'index.html); a duplicate or missing cell is an error',
    )
    .argument('<dirs...>', "the shards' output folders")
    .requiredOption('--out <dir>', 'the merged folder (replaced whole)')
    .action(async (dirs: string[], opts: { out: string }) => {
      checkOutFolder(opts.out, { folders: dirs });
      const summary = await mergeSweeps(dirs, opts.out);
      process.stderr.write(`merged ${dirs.length} folders → ${opts.out}\n`);
      process.stdout.write(formatSummary(summary));
    });
}
