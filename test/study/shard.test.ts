import { describe, expect, it } from 'vitest';
import { parseShard, resolveShard, selectShard } from '../../src/study/shard.ts';
import { inputErrorMessage } from '../helpers/input-error.ts';

describe('shards', () => {
  it('n shards take every n-th cell and cover each cell exactly once', () => {
    const cells = Array.from({ length: 10 }, (_, k) => k);
    expect(selectShard(cells, { index: 1, count: 3 })).toEqual([1, 4, 7]);
    const all = [0, 1, 2].flatMap((index) => selectShard(cells, { index, count: 3 }));
    expect(all.sort((a, b) => a - b)).toEqual(cells);
    expect(selectShard(cells, null)).toEqual(cells);
  });

  it('--shard i/n, with 0 ≤ i < n', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    for (const bad of ['5/5', '1/0', '1', 'a/b', '-1/3']) {
      expect(inputErrorMessage(() => parseShard(bad))).toMatch(/--shard: expected i\/n/);
    }
  });

  it('without --shard: a Slurm array task, then a Kubernetes indexed Job, else every cell', () => {
    const slurm = { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' };
    expect(resolveShard(undefined, undefined, slurm)).toEqual({ index: 3, count: 4 });
    // --array=1-4: task ids 1..4 are shards 0..3.
    const fromOne = { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '1' };
    expect(resolveShard(undefined, undefined, fromOne)).toEqual({ index: 3, count: 4 });
    expect(resolveShard(undefined, 5, { JOB_COMPLETION_INDEX: '2' })).toEqual({ index: 2, count: 5 });
    expect(resolveShard('0/2', undefined, slurm)).toEqual({ index: 0, count: 2 });
    expect(resolveShard(undefined, undefined, {})).toBeNull();
  });

  it('refuses what does not make a shard', () => {
    const refusal = (count: number | undefined, env: NodeJS.ProcessEnv) =>
      inputErrorMessage(() => resolveShard(undefined, count, env));
    expect(refusal(undefined, { JOB_COMPLETION_INDEX: '2' })).toMatch(/--shard-count/);
    expect(refusal(undefined, { SLURM_ARRAY_TASK_ID: '1' })).toMatch(/SLURM_ARRAY_TASK_COUNT is not/);
    expect(refusal(undefined, { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_COUNT: '4' })).toMatch(/0-3/);
    expect(refusal(2, { JOB_COMPLETION_INDEX: '2' })).toMatch(/not below --shard-count 2/);
  });
});
