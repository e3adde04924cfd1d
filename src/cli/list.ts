/**
 * `localprop list`: one line per shipped experiment, its name and the first sentence of its description;
 * `localprop list NAME` (or a path to your own experiment file): the full description and the budgets.
 */
import type { Command } from 'commander';
import { listExperimentFiles, loadExperiment } from '../report/discover.ts';
import { selectExperiments } from './run.ts';

/** The first sentence: up to the first . ! or ? followed by a space and a capital (or the end). */
export function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const m = /^.*?[.!?](?=\s+[A-Z]|$)/.exec(flat);
  return m ? m[0] : flat;
}

export function registerList(program: Command): void {
  program
    .command('list')
    .description(
      'list the experiments, one line each: name and a one-sentence summary; with a name (or a path to ' +
        'your own experiment file), its full description and budgets',
    )
    .argument('[experiment]', 'an experiment name, or the path of an experiment file')
    .action(async (name: string | undefined) => {
      if (name !== undefined) {
        const [file] = selectExperiments([name]);
        const experiment = await loadExperiment(file!);
        const budgets = Object.entries(experiment.budgets).map(([b, v]) => `${b} budget: ${JSON.stringify(v)}`);
        const lines = [`${experiment.name} (${file!.file})`, '', experiment.description, '', ...budgets];
        process.stdout.write(`${lines.join('\n')}\n`);
        return;
      }
      const files = listExperimentFiles();
      const width = Math.max(0, ...files.map((f) => f.name.length));
      for (const file of files) {
        const experiment = await loadExperiment(file);
        process.stdout.write(`${file.name.padEnd(width)}  ${firstSentence(experiment.description)}\n`);
      }
    });
}
