import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import experiment from '../../experiments/11-fashion-mnist.ts';

type Budget = (typeof experiment.budgets)['quick'];

function context(budget: Budget) {
  return {
    budget,
    budgetName: 'quick' as const,
    seed: '1',
    random: createRandom('1').derive(experiment.name),
    progress: () => {},
    quiet: true,
  };
}

/** A budget far below quick: the shape of the result, not its accuracy. */
const tiny: Budget = {
  train: 300,
  test: 200,
  hidden: 8,
  epochs: 1,
  η: 0.01,
  rules: ['backprop', 'direct-feedback-alignment'],
  agents: { train: 20, test: 20, epochs: 1 },
};

describe('experiment 11 fashion-mnist', () => {
  afterEach(() => {
    delete process.env['LOCALPROP_DATA'];
  });

  it('without the data folder, records a note saying so and succeeds', async () => {
    process.env['LOCALPROP_DATA'] = join(tmpdir(), 'localprop-no-such-data-folder');
    const result = await experiment.run(context(tiny));
    expect(result.headline).toEqual([]);
    expect(result.specs).toEqual({});
    expect(result.notes!.join(' ')).toMatch(
      /Fashion-MNIST data not found.*localprop-no-such-data-folder.*apt-get install dataset-fashion-mnist/,
    );
  });

  it("reports each rule's test error beside the published figures with their sources, \
and the agents engine matches the matrix engine", async () => {
    const result = await experiment.run(context(tiny));
    const rows = result.headline;
    const bp = rows.find((r) => r.rule === 'backprop' && r.engine === 'matrix')!;
    expect(bp['test error %']).toBeGreaterThanOrEqual(0);
    expect(bp['test error %']).toBeLessThan(90); // better than chance (10 classes) after one epoch
    expect(bp['published test error %']).toBe(10);
    expect(String(bp['source'])).toMatch(/Fashion-MNIST README/);
    const dfa = rows.find((r) => r.rule === 'direct-feedback-alignment')!;
    expect(dfa['published test error %']).toBeNull();
    expect(rows.find((r) => r.rule === 'human')!['published test error %']).toBe(16.5);
    const data = result.data as {
      agents: { maxWeightDifference: number } | null;
      trainPatterns: number;
      testPatterns: number;
    };
    expect([data.trainPatterns, data.testPatterns]).toEqual([300, 200]);
    expect(data.agents).not.toBeNull();
    expect(data.agents!.maxWeightDifference).toBeLessThanOrEqual(1e-12);
    expect(Object.keys(result.specs)).toEqual(['error']);
  });

  it('the quick budget uses a 5k subset', () => {
    expect(experiment.budgets.quick.train).toBe(5000);
    expect(experiment.budgets.full.train).toBeNull();
    expect(experiment.budgets.full.hidden).toBe(256);
  });
});
