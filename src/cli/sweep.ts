/**
 * `localprop sweep STUDY.json`: run a study's grid of cells on every core, resumably; one shard
 * of it (--shard, or a Slurm array task, or a Kubernetes indexed Job); or write the sbatch
 * script that runs it as a Slurm array job (--slurm). See README "Sweeps".
 */
import type { Command } from 'commander';
import { constants as osConstants } from 'node:os';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../core/package-root.ts';
import { writeFileAtomic } from '../core/write-atomic.ts';
import { REPEAT_WINDOW_MS } from '../report/runner.ts';
import { createSweepProgress } from '../study/sweep-progress.ts';
import { defaultWorkers, runSweep } from '../study/run-sweep.ts';
import { resolveShard } from '../study/shard.ts';
import { slurmScript } from '../study/slurm-script.ts';
import { loadStudy } from '../study/study-spec.ts';
import type { StudySummary } from '../study/summarise-study.ts';
import { positiveInt } from './options.ts';
import { checkOutFolder } from './out-path.ts';

interface SweepFlags {
  out?: string;
  workers?: number;
  shard?: string;
  shardCount?: number;
  slurm?: boolean;
  quiet?: boolean;
  full?: boolean;
}

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : (100 * x).toFixed(2));

/** One line per group: its rule and what else varies, seeds, and the held-out error's mean ± 95 % interval. */
export function formatSummary(summary: StudySummary): string {
  const lines = summary.groups.map((g) => {
    const e = g.final.test.error ?? g.final.train.error;
    const rule = Object.entries(g.config.rule)
      .filter(([k]) => k !== 'lr')
      .map(([k, v]) => (k === 'name' ? v : `${k}=${v}`))
      .join(' ');
    const error = !e ? 'no accuracy' : `${pct(e.mean)}${e.ci95 === null ? ' % (one seed)' : ` ± ${pct(e.ci95)} %`}`;
    const d = g.gapToBackprop?.error;
    const sign = (x: number): string => (x >= 0 ? '+' : '−') + pct(Math.abs(x));
    const gapInterval = d?.ci95 === null || d?.ci95 === undefined ? '' : ` ± ${pct(d.ci95)}`;
    const gap = !d ? '' : `  gap to backprop ${sign(d.mean)}${gapInterval} (paired over ${d.n} seeds)`;
    const n = g.seeds.length - g.diverged;
    return (
      `${rule}  ${g.config.engine}  η=${g.config.rule.lr ?? g.config.lr}  epochs=${g.config.epochs}  n=${n}` +
      `${g.diverged ? ` (${g.diverged} diverged)` : ''}  ${g.final.test.error ? 'test' : 'train'} error ${error}${gap}`
    );
  });
  return `${summary.study}: ${summary.cells} cells, mean ± 95 % interval over seeds\n${lines.join('\n')}\n`;
}

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description(
      'run a study (*.study.json: a grid of nets, data sets, rules, η, β, epochs, budgets and seeds) in a pool of ' +
        'worker threads; finished cells are kept and never run again; writes one <id>.cell.json per cell and, ' +
        'once all are there, summary.json (mean and 95 % interval over seeds) and index.html',
    )
    .argument('<study>', 'study file (*.study.json)')
    .option('--out <dir>', 'output folder (default: results/studies/<study name>)')
    .option('--workers <n>', 'worker threads (default: every core)', positiveInt)
    .option(
      '--shard <i/n>',
      'run cells i, i+n, i+2n, … (0 ≤ i < n); default: from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT ' +
        'or JOB_COMPLETION_INDEX, else all',
    )
    .option(
      '--shard-count <n>',
      'the number of shards: with JOB_COMPLETION_INDEX (a Kubernetes indexed Job), or the array size with --slurm ' +
        '(default: one task per cell)',
      positiveInt,
    )
    .option('--slurm', 'write a Slurm array script (<out>/<name>.sbatch) and print how to submit it; nothing runs')
    .option('--quiet', 'no progress on stderr')
    .option('--full', 'the study\'s "full" budget (its name gains "-full"; README "Studies")')
    .action(async (studyPath: string, opts: SweepFlags) => {
      const study = loadStudy(studyPath, { full: opts.full });
      const out = opts.out ?? `results/studies/${study.name}`;
      checkOutFolder(out, { files: [studyPath] });
      if (opts.slurm) {
        const workers = opts.workers ?? 1;
        const script = slurmScript({
          name: study.name,
          study: resolve(studyPath),
          out: resolve(out),
          repository: PACKAGE_ROOT,
          node: process.execPath,
          // The way this process runs: the compiled CLI, or the sources through tsx (a checkout).
          cli: import.meta.url.endsWith('.js')
            ? [join(PACKAGE_ROOT, 'bin', 'localprop.js')]
            : ['--import', 'tsx', join(PACKAGE_ROOT, 'src', 'cli', 'main.ts')],
          tasks: Math.min(opts.shardCount ?? study.cells.length, study.cells.length),
          cpusPerTask: workers,
          full: opts.full,
        });
        const file = resolve(out, `${study.name}.sbatch`);
        writeFileAtomic(file, script);
        process.stdout.write(`${file}\nsubmit with: sbatch ${file}\n`);
        return;
      }
      const shard = resolveShard(opts.shard, opts.shardCount);
      // Ctrl-C or SIGTERM (a Slurm job cancelled or out of time) stops the workers and keeps the finished
      // cells. Repeats within REPEAT_WINDOW_MS are the same request (npm and the terminal both deliver it);
      // one after that exits at once, which loses nothing: every finished cell is already on disk.
      const stop = new AbortController();
      let first = 0;
      const onSignal = (signal: NodeJS.Signals): void => {
        if (!stop.signal.aborted) {
          first = performance.now();
          stop.abort(signal);
        } else if (performance.now() - first >= REPEAT_WINDOW_MS) {
          process.stderr.write(`\nlocalprop: stopped at once (${signal}); the finished cells are kept in ${out}\n`);
          process.exit(128 + osConstants.signals[signal]);
        }
      };
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, onSignal);
      try {
        const outcome = await runSweep(study, {
          out,
          workers: opts.workers ?? defaultWorkers(),
          shard,
          signal: stop.signal,
          progress: createSweepProgress({ study: study.name, quiet: opts.quiet }),
        });
        const which = shard ? `shard ${shard.index}/${shard.count}: ` : '';
        const counts = `${outcome.ran} cells run, ${outcome.reused} already finished`;
        process.stderr.write(`${study.name}: ${which}${counts} → ${out}\n`);
        if (outcome.summary) process.stdout.write(formatSummary(outcome.summary));
      } finally {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeListener(signal, onSignal);
      }
    });
}
