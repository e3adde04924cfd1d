/**
 * Which cells a process runs: shard i of n takes cells i, i + n, i + 2n, … of the study
 * (i in 0..n−1), so n shards cover every cell exactly once. The shard comes from --shard i/n,
 * else from a Slurm array task (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN of
 * SLURM_ARRAY_TASK_COUNT), else from a Kubernetes indexed Job (JOB_COMPLETION_INDEX, with the
 * count given by --shard-count), else the process runs them all.
 */
import { InputError } from '../core/errors.ts';

export interface Shard {
  index: number;
  count: number;
}

const naturalNumber = /^\d+$/;

export function parseShard(text: string, where = '--shard'): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count)) {
    throw new InputError(`${where}: expected i/n with 0 ≤ i < n, got "${text}"`);
  }
  return { index, count };
}

function envInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (!naturalNumber.test(value)) throw new InputError(`${name}: expected a whole number, got "${value}"`);
  return Number(value);
}

/** The shard of this process, or null to run every cell. */
export function resolveShard(
  option: string | undefined,
  shardCount: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Shard | null {
  if (option !== undefined) return parseShard(option);
  const task = envInt(env, 'SLURM_ARRAY_TASK_ID');
  if (task !== undefined) {
    const count = envInt(env, 'SLURM_ARRAY_TASK_COUNT');
    if (count === undefined) throw new InputError('SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not');
    const index = task - (envInt(env, 'SLURM_ARRAY_TASK_MIN') ?? 0);
    if (index < 0 || index >= count) {
      throw new InputError(
        `SLURM_ARRAY_TASK_ID ${task}: not one of ${count} tasks from SLURM_ARRAY_TASK_MIN; ` +
          `use a contiguous --array such as 0-${count - 1}`,
      );
    }
    return { index, count };
  }
  const completion = envInt(env, 'JOB_COMPLETION_INDEX');
  if (completion !== undefined) {
    if (shardCount === undefined) {
      throw new InputError('JOB_COMPLETION_INDEX is set: give the number of shards (completions) with --shard-count');
    }
    if (completion >= shardCount) {
      throw new InputError(`JOB_COMPLETION_INDEX ${completion} is not below --shard-count ${shardCount}`);
    }
    return { index: completion, count: shardCount };
  }
  return null;
}

export function selectShard<T>(cells: readonly T[], shard: Shard | null): T[] {
  return shard === null ? [...cells] : cells.filter((_, k) => k % shard.count === shard.index);
}
