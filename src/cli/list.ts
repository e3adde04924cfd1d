import type { Command } from 'commander';
import { listExperimentFiles, loadExperiment } from '../report/discover.ts';

export function registerList(program: Command): void {
  program
    .command('list')
    .description('list the experiments (experiments/NN-name.ts), one line each: name and description')
    .action(async () => {
      const files = listExperimentFiles();
      const width = Math.max(0, ...files.map((f) => f.name.length));
      for (const file of files) {
        const experiment = await loadExperiment(file);
        process.stdout.write(`${file.name.padEnd(width)}  ${experiment.description}\n`);
      }
    });
}
