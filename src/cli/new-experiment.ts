/**
 * `localprop new-experiment NAME`: write ./NAME.ts, a commented experiment that runs as it is
 * (`localprop run ./NAME.ts`). It imports only from 'localprop', the package's public API.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { writeFileAtomic } from '../core/write-atomic.ts';
import { NAME_PATTERN } from '../report/experiment.ts';
import { displayPath } from '../report/paths.ts';

/** The starting file for an experiment called `name`. */
export function experimentTemplate(name: string): string {
  return `/**
 * ${name}: a localprop experiment. Run it with
 *
 *   npx localprop run ./${name}.ts            # quick budget; --full for the full one, --seed S, --out DIR
 *   npx tsx ${name}.ts                         # the same, this file on its own (runStandalone below)
 *
 * which writes results/${name}/ (data.json, the charts as .vl.json, .svg and .png, summary.json) and adds a
 * section to results/index.html, beside any other experiment run into the same folder.
 *
 * As it stands it trains a 4-8-3 tanh net on Fisher's iris with back-prop and with feedback alignment,
 * from the same initial weights, and charts the held-out loss per epoch. Change what you like: the
 * contract is the object exported below (name, description, budgets, run).
 */
import {
  createEngine, initParams, loadDataset, runStandalone, seriesChart, splitDataset, train,
  type Experiment, type HeadlineRow, type NetSpec, type RuleName,
} from 'localprop';

/** What a run may spend; --quick (the default) and --full pick one. */
interface Budget {
  epochs: number;
}

const experiment: Experiment<Budget> = {
  // The name must match the file name (${name}.ts): it names the results folder.
  name: '${name}',
  description: 'Back-prop against feedback alignment on iris: held-out loss per epoch. Replace with what yours shows.',
  budgets: { quick: { epochs: 20 }, full: { epochs: 200 } },

  // ctx.random is derived from --seed and the experiment's name: draw every random choice from it,
  // and the same command writes the same data.json byte for byte.
  async run({ budget, random, progress }) {
    const spec: NetSpec = {
      input: [4],
      layers: [
        { type: 'dense', units: 8, activation: { name: 'tanh', a: 1, b: 1 } },
        { type: 'dense', units: 3, activation: { name: 'identity' } },
      ],
      loss: 'softmax-cross-entropy',
    };
    const { train: trainSet, test: testSet } = splitDataset(loadDataset('iris'), random.derive('split'));
    const params = initParams(spec, random.derive('init'));
    const rules: RuleName[] = ['backprop', 'feedback-alignment'];

    const rows: { rule: string; epoch: number; loss: number }[] = [];
    const headline: HeadlineRow[] = [];
    for (const [i, rule] of rules.entries()) {
      // 'matrix' or 'agents': the two engines compute the same weights.
      const engine = createEngine('matrix', spec, params, { rule, feedbackSeed: \`\${rule}/feedback\` });
      const epochs = train(engine, trainSet, testSet, {
        epochs: budget.epochs,
        η: 0.05,
        batch: 1,
        shuffle: random.derive(\`order/\${rule}\`),
        classify: true,
        onEpoch: (report) => progress(i * budget.epochs + report.epoch, rules.length * budget.epochs),
      });
      for (const e of epochs) rows.push({ rule, epoch: e.epoch, loss: e.test!.loss });
      const last = epochs[epochs.length - 1]!;
      headline.push({ rule, 'held-out loss': last.test!.loss, 'held-out accuracy': last.test!.accuracy });
    }

    return {
      // data.json: everything measured, a pure function of the seed and the budget.
      data: { rows },
      // Vega-Lite specs by chart name; seriesChart and barChart build the common ones.
      specs: {
        loss: seriesChart({
          title: 'Held-out loss on iris',
          values: rows,
          x: { field: 'epoch', integer: true },
          y: { field: 'loss', title: 'mean cross-entropy' },
          color: { field: 'rule' },
        }),
      },
      // The report shows these rows as a table under the charts.
      headline,
    };
  },
};

export default experiment;

// Runs the experiment when this file is the one started (npx tsx ${name}.ts); does nothing when imported.
runStandalone(import.meta.url, experiment);
`;
}

export function registerNewExperiment(program: Command): void {
  program
    .command('new-experiment')
    .description('write ./NAME.ts, a commented experiment that runs as it is: `localprop run ./NAME.ts`')
    .argument('<name>', 'the experiment name: lower case words joined by dashes, e.g. my-experiment')
    .action((name: string) => {
      if (!NAME_PATTERN.test(name)) {
        const expected = 'expected lower case words joined by dashes, e.g. my-experiment';
        throw new InputError(`experiment name ${JSON.stringify(name)}: ${expected}`);
      }
      const path = resolve(`${name}.ts`);
      if (existsSync(path)) throw new InputError(`${displayPath(path)} already exists; choose another name`);
      writeFileAtomic(path, experimentTemplate(name));
      process.stdout.write(`${displayPath(path)}\nrun it with: npx localprop run ./${displayPath(path)}\n`);
    });
}
