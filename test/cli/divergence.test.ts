import { describe, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { expectCleanFailure, fixture, freshOut } from './clean-failure.ts';

const reluNet = fixture('relu.net.json', {
  input: [4],
  layers: [
    { type: 'dense', units: 8, activation: 'relu' },
    { type: 'dense', units: 8, activation: 'relu' },
    { type: 'dense', units: 3 },
  ],
  loss: 'mse',
});

describe('a diverging run: exit 3, one line naming epoch, pattern and layer, nothing written', () => {
  for (const args of [
    ['--lr', '1e6'],
    ['--lr', '30', '--batch', '4'],
  ]) {
    it(`iris, relu net, ${args.join(' ')}`, async () => {
      const out = freshOut();
      const r = await runCli([
        'train',
        '--net',
        reluNet,
        '--dataset',
        'iris',
        '--epochs',
        '20',
        '--out',
        out.file,
        ...args,
      ]);
      expectCleanFailure(
        r,
        out,
        new RegExp(
          /^localprop: training diverged at epoch \d+, pattern \d+ of 120 \(training pattern \d+\): /.source +
            /.*layer \d+'s .*; try a smaller --lr$/.source,
          'm',
        ),
        3,
      );
    });
  }
});
