/**
 * A Slurm batch script that runs a study as an array job: task i of n runs shard i/n (the sweep
 * reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT) into OUT/shard-i, with its own worker
 * pool over the task's CPUs. `localprop merge OUT/shard-* --out OUT/merged` then makes the study
 * whole (README "Running on a cluster"). Paths are absolute, so it runs from any folder.
 */
export interface SlurmScriptOptions {
  name: string;
  /** Absolute paths. */
  study: string;
  out: string;
  repository: string;
  /** The node binary (this machine's; edit for a cluster whose nodes keep it elsewhere). */
  node: string;
  /** How node starts the CLI from the repository: the compiled bin, or the sources through tsx. */
  cli: string[];
  tasks: number;
  cpusPerTask: number;
  /** Run the study's "full" budget (sweep --full). */
  full?: boolean;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function slurmScript(o: SlurmScriptOptions): string {
  const cli = o.cli.map(quote).join(' ');
  return [
    '#!/bin/bash',
    `# localprop sweep of study ${o.name} as a Slurm array job: task i of ${o.tasks} runs every ${o.tasks}-th cell`,
    `# (from cell i) into ${o.out}/shard-i. Submit with: sbatch ${o.out}/${o.name}.sbatch`,
    `# then make the study whole:`,
    `#   ${quote(o.node)} ${cli} merge ${quote(o.out)}/shard-* --out ${quote(`${o.out}/merged`)}`,
    `#SBATCH --job-name=localprop-${o.name}`,
    `#SBATCH --array=0-${o.tasks - 1}`,
    '#SBATCH --ntasks=1',
    `#SBATCH --cpus-per-task=${o.cpusPerTask}`,
    `#SBATCH --output=${o.out}/slurm-%A_%a.out`,
    'set -euo pipefail',
    `cd ${quote(o.repository)}`,
    `exec ${quote(o.node)} ${cli} sweep ${quote(o.study)}${o.full ? ' --full' : ''} \\`,
    `  --out ${quote(o.out)}/shard-"$SLURM_ARRAY_TASK_ID" --workers "\${SLURM_CPUS_PER_TASK:-${o.cpusPerTask}}"`,
    '',
  ].join('\n');
}
