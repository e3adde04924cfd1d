/** Shards merge into exactly the folder one process writes; duplicates and holes are refused. */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../src/study/run-sweep.ts';
import type { SweepProgress } from '../../src/study/sweep-progress.ts';
import { loadStudy } from '../../src/study/study-spec.ts';
import { runCli } from '../helpers/run-cli.ts';
import { folderFiles, freshFolder, tinyGrid, writeStudy } from './fixtures.ts';

const studyPath = writeStudy('merge', tinyGrid);
const study = loadStudy(studyPath);
const quiet: SweepProgress = { start() {}, cellDone() {}, stop() {} };
const whole = freshFolder();
const shards = [freshFolder(), freshFolder(), freshFolder()];

beforeAll(async () => {
  await runSweep(study, { out: whole, workers: 2, progress: quiet });
  for (const [index, dir] of shards.entries()) {
    await runSweep(study, { out: dir, workers: 1, shard: { index, count: 3 }, progress: quiet });
  }
});

/** One line on stderr naming the problem, exit 2, nothing written. */
async function refused(args: string[], message: RegExp): Promise<void> {
  const out = join(freshFolder(), 'merged');
  const r = await runCli(['merge', ...args, '--out', out]);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/^localprop: [^\n]+\n$/);
  expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe('');
  expect(existsSync(out)).toBe(false);
}

describe('merge', () => {
  it('the merged shards are byte-identical to a single-process run', async () => {
    expect(existsSync(join(shards[0]!, 'summary.json'))).toBe(false);
    const out = join(freshFolder(), 'merged');
    const r = await runCli(['merge', ...shards, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^merge: 4 cells/);
    expect(folderFiles(out)).toEqual(folderFiles(whole));
  });

  it('refuses a hole, naming how many cells are missing', async () => {
    await refused([shards[0]!, shards[2]!], /1 of 4 cells of study merge are in none of the folders \(holes: /);
  });

  it('refuses a duplicate, naming the cell and both folders', async () => {
    const copy = freshFolder();
    cpSync(shards[1]!, copy, { recursive: true });
    await refused([...shards, copy], new RegExp(`cell \\S+ is in both ${shards[1]} and ${copy} \\(duplicate\\)`));
  });

  it('refuses folders of different studies, and a folder that is no sweep', async () => {
    const other = freshFolder();
    cpSync(shards[1]!, other, { recursive: true });
    const path = join(other, 'study.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"merge"', '"other"'));
    await refused([shards[0]!, other, shards[2]!], /study\.json: a different study from /);
    await refused([shards[0]!, freshFolder()], /no study\.json; not a sweep folder/);
  });
});
