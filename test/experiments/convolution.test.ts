import { describe, expect, it } from 'vitest';
import experiment from '../../experiments/05-convolution.ts';
import { context } from './context.ts';

type Budget = (typeof experiment.budgets)['quick'];
/** Far below quick: one epoch, a few patterns, one timing call. */
const tiny: Budget = { epochs: 1, η: 0.02, filters: 4, patterns: 3, calls: 1, reps: 1 };

interface Data {
  epochs: { epoch: number; test: { accuracy: number } }[];
  pushVsGather: {
    trained: { maxAbsDifference: number; maxAbsInputError: number };
    geometries: { geometry: string; maxAbsDifference: number; maxAbsInputError: number; output: number[] }[];
  };
  kernels: { initial: number[][][]; learned: number[][][] };
}

describe('experiment 05 convolution', () => {
  it('push and gather agree to rounding on every geometry, the net learns, and the kernels change', async () => {
    const result = await experiment.run(context(experiment, tiny));
    const data = result.data as Data;
    const { trained, geometries } = data.pushVsGather;
    expect(trained.maxAbsInputError).toBeGreaterThan(0);
    expect(trained.maxAbsDifference).toBeLessThanOrEqual(1e-12 * trained.maxAbsInputError);
    expect(geometries.length).toBeGreaterThanOrEqual(4);
    for (const g of geometries) {
      expect(g.maxAbsInputError).toBeGreaterThan(0);
      expect(g.maxAbsDifference).toBeLessThanOrEqual(1e-12 * g.maxAbsInputError);
    }
    // The strided geometry's output size follows floor((H + 2p − k)/s) + 1.
    expect(geometries.find((g) => g.geometry === '4→8, 3×3, s2 p1')!.output).toEqual([8, 4, 4]);
    expect(data.epochs[0]!.test.accuracy).toBeGreaterThan(0.8);
    expect(data.kernels.learned).toHaveLength(4);
    expect(data.kernels.learned.flat(2)).toHaveLength(4 * 9);
    expect(data.kernels.learned.flat(2)).not.toEqual(data.kernels.initial.flat(2));
    expect(Object.keys(result.specs)).toEqual([
      'kernels',
      'input-error',
      'training',
      'push-vs-gather',
      'push-gather-time',
    ]);
    // Times go to timings, never to data.
    expect(JSON.stringify(result.data)).not.toMatch(/icroseconds/);
    expect(JSON.stringify(result.timings)).toMatch(/pushMicroseconds/);
  });
});
