/**
 * The rule axis points one way: the agents' circuit knows no rule (a rule plugs a Behaviour into it),
 * the rules know no engine, and nn knows neither (README, Layout).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The src/ folders a source file imports from, by its relative import paths. */
function importedFolders(source: string): string[] {
  return [...source.matchAll(/from '\.\.\/([a-z-]+)\//g)].map((m) => m[1]!);
}

function importsOf(folder: string): { file: string; folders: string[] }[] {
  const dir = join('src', folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: join(dir, f), folders: importedFolders(readFileSync(join(dir, f), 'utf8')) }));
}

describe('layering of the rule axis', () => {
  it('reads the folders a file imports from (control)', () => {
    expect(importedFolders("import { a } from '../rules/index.ts';\nimport b from './b.ts';")).toEqual(['rules']);
  });

  it.each([
    ['agents', ['rules', 'engines']],
    ['rules', ['engines']],
    ['nn', ['agents', 'rules', 'engines']],
  ])('src/%s imports nothing from %j', (folder, forbidden) => {
    const files = importsOf(folder);
    expect(files.length).toBeGreaterThan(0);
    for (const { file, folders } of files)
      expect(
        folders.filter((f) => forbidden.includes(f)),
        file,
      ).toEqual([]);
  });
});
