/** Shared by the study tests: a temp folder, a tiny study (4 cells of well under a second) and folder comparisons. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = mkdtempSync(join(tmpdir(), 'localprop-study-'));
let folders = 0;

export function freshFolder(): string {
  const dir = join(root, `out-${++folders}`);
  mkdirSync(dir);
  return dir;
}

/** Write a study file in the temp folder; the net is the shipped digits net, by absolute path. */
export function writeStudy(name: string, grid: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const path = join(root, `${name}.study.json`);
  const net = resolve('nets/digits-64-32-10.net.json');
  writeFileSync(path, JSON.stringify({ name, grid: { net, dataset: 'digits', ...grid }, ...extra }));
  return path;
}

/** 2 rules × 2 seeds, 120 training patterns, one epoch. */
export const tinyGrid = {
  rule: ['backprop', 'feedback-alignment'],
  lr: 0.02,
  epochs: 1,
  limit: 120,
  testLimit: 100,
  seed: [1, 2],
};

/** Every file of a folder, name → bytes. */
export function folderFiles(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );
}
