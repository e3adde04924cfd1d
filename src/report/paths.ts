/** Where experiments and results live: relative to the package root, whatever the working directory. */
import { dirname, join, relative, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXPERIMENTS_DIR = join(PACKAGE_ROOT, 'experiments');
/** The default output folder. */
export const RESULTS_DIR = join(PACKAGE_ROOT, 'results');

/** A path as the user would type it from the working directory: relative when inside it, else absolute. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
