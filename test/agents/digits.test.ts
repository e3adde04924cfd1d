/**
 * Digits with the agents engine reproduces the matrix engine's run: same seeded split, init and
 * shuffle, same per-epoch accuracy to the last printed digit, losses and params equal to 1e-12.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { loadDigits, splitDataset } from '../../src/data/datasets.ts';
import { defaultInit, initParams } from '../../src/nn/params.ts';
import { train, type EpochReport, type Metrics } from '../../src/nn/sgd.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';
import { bothEngines, close, expectParamsClose } from './compare.ts';

const spec = parseNetSpec(JSON.parse(readFileSync('nets/digits-64-32-10.net.json', 'utf8')));
const digits = loadDigits();

/** As the CLI prints it: loss to 4 places, accuracy in % to 2. */
const printed = (m: Metrics): string => `loss ${m.loss.toFixed(4)} acc ${(100 * m.accuracy!).toFixed(2)}%`;

function runBoth(seed: string, epochs: number, batch: number, η: number): void {
  const random = createRandom(seed);
  const { train: trainSet, test } = splitDataset(digits, random.derive('split'), 0.2);
  const params = initParams(spec, random.derive('init'), defaultInit(spec));
  const { matrix, agents } = bothEngines(spec, params);
  const options = (engine: string) => ({
    epochs,
    η,
    batch,
    classify: true,
    shuffle: createRandom(seed).derive('shuffle'),
    onEpoch: (r: EpochReport) => lines[engine]!.push(r),
  });
  const lines: Record<string, EpochReport[]> = { matrix: [], agents: [] };
  train(matrix, trainSet, test, options('matrix'));
  train(agents, trainSet, test, options('agents'));
  expect(lines['agents']).toHaveLength(epochs);
  lines['matrix']!.forEach((m, e) => {
    const a = lines['agents']![e]!;
    expect(printed(a.train), `epoch ${e + 1} train`).toBe(printed(m.train));
    expect(printed(a.test!), `epoch ${e + 1} test`).toBe(printed(m.test!));
    expect(a.train.accuracy).toBe(m.train.accuracy);
    expect(a.test!.accuracy).toBe(m.test!.accuracy);
    expect(close(a.train.loss, m.train.loss) && close(a.test!.loss, m.test!.loss)).toBe(true);
  });
  expect(lines['matrix']![epochs - 1]!.test!.accuracy!).toBeGreaterThan(0.85); // it did learn
  expectParamsClose(matrix.snapshot(), agents.snapshot(), `digits, seed ${seed}, batch ${batch}`);
}

describe('digits 64-32-10 with the agents engine', () => {
  it("per-pattern SGD, 3 epochs: the matrix engine's accuracy to the last printed digit, params to 1e-12", () => {
    runBoth('1', 3, 1, 0.02);
  });

  it('minibatches of 16, 2 epochs: the same', () => {
    runBoth('2', 2, 16, 0.1);
  });
});
