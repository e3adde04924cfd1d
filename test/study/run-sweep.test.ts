/**
 * A sweep's files depend on the cells only: 1 or 2 workers, any order, resumed or not, the
 * bytes are the same. Finished cells are kept and not run again, also after an interrupt.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/core/errors.ts';
import { runSweep } from '../../src/study/run-sweep.ts';
import type { SweepProgress } from '../../src/study/sweep-progress.ts';
import { loadStudy } from '../../src/study/study-spec.ts';
import { cellFileName } from '../../src/study/sweep-folder.ts';
import { folderFiles, freshFolder, tinyGrid, writeStudy } from './fixtures.ts';

const study = loadStudy(writeStudy('tiny', tinyGrid));
const quiet: SweepProgress = { start() {}, cellDone() {}, stop() {} };

describe('sweep', () => {
  it('writes the same bytes with 1 worker, with 2, and shard by shard in reverse order', async () => {
    const one = freshFolder();
    const two = freshFolder();
    const reversed = freshFolder();
    const a = await runSweep(study, { out: one, workers: 1, progress: quiet });
    expect(a).toMatchObject({ selected: 4, ran: 4, reused: 0 });
    await runSweep(study, { out: two, workers: 2, progress: quiet });
    for (const index of [3, 2, 1, 0]) {
      await runSweep(study, { out: reversed, workers: 1, shard: { index, count: 4 }, progress: quiet });
    }
    const files = folderFiles(one);
    const cells = study.cells.map((c) => cellFileName(c.id));
    expect([...files.keys()]).toEqual([...cells, 'index.html', 'study.json', 'summary.json'].sort());
    expect(folderFiles(two)).toEqual(files);
    expect(folderFiles(reversed)).toEqual(files);
    // The control: cells that differ in the seed differ in their bytes, so the comparison can see a difference.
    expect(files.get(cellFileName(study.cells[0]!.id))).not.toBe(files.get(cellFileName(study.cells[1]!.id)));
  });

  it('resumes: finished cells are not run again, a missing one is', async () => {
    const out = freshFolder();
    await runSweep(study, { out, workers: 2, progress: quiet });
    const before = folderFiles(out);
    rmSync(join(out, cellFileName(study.cells[2]!.id)));
    rmSync(join(out, 'summary.json'));
    rmSync(join(out, 'index.html'));
    const again = await runSweep(study, { out, workers: 2, progress: quiet });
    expect(again).toMatchObject({ ran: 1, reused: 3 });
    expect(folderFiles(out)).toEqual(before);
  });

  it('an interrupt keeps the finished cells; the same call then runs the rest', async () => {
    const out = freshFolder();
    const stop = new AbortController();
    const abortAfterFirst: SweepProgress = { start() {}, cellDone: () => stop.abort(), stop() {} };
    const run = runSweep(study, { out, workers: 1, progress: abortAfterFirst, signal: stop.signal });
    await expect(run).rejects.toThrow(InterruptedError);
    const kept = study.cells.filter((c) => existsSync(join(out, cellFileName(c.id))));
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeLessThan(4);
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
    const rest = await runSweep(study, { out, workers: 1, progress: quiet });
    expect(rest).toMatchObject({ ran: 4 - kept.length, reused: kept.length });
    expect(rest.summary?.groups.map((g) => g.seeds)).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });

  it('a diverged cell is a result: kept with its message, counted and left out of the statistics', async () => {
    const { writeFileSync } = await import('node:fs');
    const linear = join(freshFolder(), 'linear.net.json');
    const layers = [
      { type: 'dense', units: 32, activation: 'identity' },
      { type: 'dense', units: 10 },
    ];
    writeFileSync(linear, JSON.stringify({ input: [64], layers, loss: 'mse' }));
    const wild = loadStudy(writeStudy('wild', { ...tinyGrid, net: linear, rule: 'backprop', lr: [0.02, 1e6] }));
    const out = freshFolder();
    const { summary } = await runSweep(wild, { out, workers: 2, progress: quiet });
    const { readFileSync } = await import('node:fs');
    const read = (k: number) => JSON.parse(readFileSync(join(out, cellFileName(wild.cells[k]!.id)), 'utf8'));
    expect(read(0).status).toBe('done');
    expect(read(2)).toMatchObject({ status: 'diverged', final: null, epochs: [] });
    expect(read(2).message).toMatch(/^training diverged at epoch 1, pattern \d+ of 120/);
    const groups = summary!.groups.map((g) => [g.config.lr, g.diverged, g.final.test.loss?.n ?? 0]);
    expect(groups).toEqual([
      [0.02, 0, 2],
      [1e6, 2, 0],
    ]);
  });

  it('a cell equals `localprop train` with the same flags', async () => {
    const out = freshFolder();
    const { runCli } = await import('../helpers/run-cli.ts');
    const { readFileSync } = await import('node:fs');
    await runSweep(study, { out, workers: 1, shard: { index: 1, count: 4 }, progress: quiet });
    const cell = study.cells[1]!;
    const result = JSON.parse(readFileSync(join(out, cellFileName(cell.id)), 'utf8'));
    const c = cell.config;
    const r = await runCli([
      'train',
      '--net',
      c.net,
      '--dataset',
      c.dataset,
      '--rule',
      c.rule.name,
      '--lr',
      String(c.lr),
      '--epochs',
      String(c.epochs),
      '--limit',
      String(c.limit),
      '--test-limit',
      String(c.testLimit),
      '--seed',
      String(c.seed),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).epochs).toEqual(result.epochs);
  });
});
