/**
 * Finding experiments without importing them statically (src/ must not import experiments/):
 * the files experiments/NN-name.ts are listed on disk and loaded with a dynamic import().
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUDGET_NAMES, NAME_PATTERN, type Experiment } from './experiment.ts';
import { EXPERIMENTS_DIR, PACKAGE_ROOT } from './paths.ts';

export interface ExperimentFile {
  /** The slug from the file name. */
  name: string;
  /** NN from the file name: the reading order. */
  order: number;
  /** Absolute path. */
  path: string;
  /** Path relative to the package root, for commands shown to the reader. */
  file: string;
}

const FILE_PATTERN = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.ts$/;

/** Name and order of an experiment file from its path, or null if it is not named NN-name.ts. */
export function experimentFile(path: string): ExperimentFile | null {
  const m = FILE_PATTERN.exec(basename(path));
  if (!m) return null;
  return { name: m[2]!, order: Number(m[1]), path, file: relative(PACKAGE_ROOT, path).split('\\').join('/') };
}

/** experiments/NN-name.ts files in reading order. */
export function listExperimentFiles(dir = EXPERIMENTS_DIR): ExperimentFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => experimentFile(join(dir, f)))
    .filter((e): e is ExperimentFile => e !== null)
    .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}

/** Throws (an internal error, not bad input) if the module's export is not a usable Experiment. */
export function checkExperiment(value: unknown, file: ExperimentFile): Experiment {
  const e = value as Experiment | undefined;
  const where = `${file.file}`;
  if (e === null || typeof e !== 'object') throw new Error(`${where}: expected \`export default experiment\` (an Experiment object)`);
  if (e.name !== file.name) throw new Error(`${where}: experiment name ${JSON.stringify(e.name)} does not match the file name (${JSON.stringify(file.name)})`);
  if (!NAME_PATTERN.test(e.name)) throw new Error(`${where}: experiment name ${JSON.stringify(e.name)} must be lower case words joined by dashes`);
  if (typeof e.description !== 'string' || e.description.trim() === '') throw new Error(`${where}: experiment needs a one-line description`);
  if (typeof e.run !== 'function') throw new Error(`${where}: experiment needs a run(context) function`);
  for (const b of BUDGET_NAMES) if (e.budgets?.[b] === null || typeof e.budgets?.[b] !== 'object') throw new Error(`${where}: experiment needs a ${b} budget object`);
  return e;
}

/** Import one experiment file. */
export async function loadExperiment(file: ExperimentFile): Promise<Experiment> {
  const module = (await import(pathToFileURL(file.path).href)) as { default?: unknown; experiment?: unknown };
  return checkExperiment(module.default ?? module.experiment, file);
}
