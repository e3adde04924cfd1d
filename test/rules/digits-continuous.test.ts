/**
 * Digits in continuous time: the merged rule with leaky neurons (h = τ/2, phase 10τ) reaches the discrete
 * merged rule's held-out accuracy within 2 points, from the same weights, subset and pattern order
 * (a small budget: 200 training patterns, 3 epochs, every held-out pattern).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { loadDigits, seededSubset, splitDataset } from '../../src/data/datasets.ts';
import { createEngine } from '../../src/engines/index.ts';
import { initParams } from '../../src/nn/params.ts';
import { train } from '../../src/nn/sgd.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';

const spec = parseNetSpec(
  JSON.parse(readFileSync(join(import.meta.dirname, '../../nets/digits-64-32-10.net.json'), 'utf8')),
);

describe('digits with --dynamics leaky', () => {
  it("reaches the discrete merged rule's held-out accuracy within 2 points", () => {
    const random = createRandom('digits-continuous');
    const split = splitDataset(loadDigits(), random.derive('split'));
    const trainSet = seededSubset(split.train, 200, random.derive('limit'));
    const params = initParams(spec, random.derive('init'));
    const accuracy = (leaky: boolean): number => {
      const engine = leaky
        ? createEngine(
            'agents',
            spec,
            params,
            { rule: 'merged', beta: 0.01 },
            {},
            { dynamics: 'leaky', tau: 1, dt: 0.5, phase: 10 },
          )
        : createEngine('matrix', spec, params, { rule: 'merged', beta: 0.01 });
      const reports = train(engine, trainSet, split.test, {
        epochs: 3,
        η: 0.02,
        batch: 1,
        shuffle: random.derive('shuffle'),
        classify: true,
      });
      return reports[reports.length - 1]!.test!.accuracy!;
    };
    const discrete = accuracy(false);
    const continuous = accuracy(true);
    expect(discrete).toBeGreaterThan(0.7); // it learned something, so the comparison means something
    expect(Math.abs(continuous - discrete)).toBeLessThanOrEqual(0.02);
  }, 120_000);
});
