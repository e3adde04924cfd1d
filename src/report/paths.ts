/**
 * Where experiments and results live. The shipped experiments sit beside src/ (experiments/ in a clone,
 * dist/experiments/ compiled in the installed package); results go where the user stands.
 */
import { dirname, join, relative, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../core/package-root.ts';

export { PACKAGE_ROOT };
export const EXPERIMENTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'experiments');
/** The default output folder: ./results in the working directory (in a clone, `npm start` runs at its root). */
export const RESULTS_DIR = resolve('results');

/** A path as the user would type it from the working directory: relative when inside it, else absolute. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
