/**
 * Finding experiments without importing them statically (src/ must not import experiments/):
 * the files experiments/NN-name.ts (compiled: dist/experiments/NN-name.js) are listed on disk and
 * loaded with a dynamic import(). A user's own experiment is a file given by its path
 * (`localprop run ./my-experiment.ts`); a .ts file is loaded through tsx when the compiled package runs.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../core/errors.ts';
import { BUDGET_NAMES, NAME_PATTERN, type Experiment } from './experiment.ts';
import { displayPath, EXPERIMENTS_DIR, PACKAGE_ROOT } from './paths.ts';

export interface ExperimentFile {
  /** The slug from the file name. */
  name: string;
  /** NN from the file name: the reading order. */
  order: number;
  /** Absolute path. */
  path: string;
  /** Path relative to the package root (a user's file: to the working directory), for commands shown to the reader. */
  file: string;
  /** A user's file, given by its path rather than found in experiments/. */
  user?: boolean;
}

const FILE_PATTERN = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.(?:ts|js)$/;

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
  if (e === null || typeof e !== 'object')
    throw new Error(`${where}: expected \`export default experiment\` (an Experiment object)`);
  if (e.name !== file.name)
    throw new Error(
      `${where}: experiment name ${JSON.stringify(e.name)} does not match the file name (${JSON.stringify(file.name)})`,
    );
  if (!NAME_PATTERN.test(e.name))
    throw new Error(`${where}: experiment name ${JSON.stringify(e.name)} must be lower case words joined by dashes`);
  if (typeof e.description !== 'string' || e.description.trim() === '')
    throw new Error(`${where}: experiment needs a one-line description`);
  if (typeof e.run !== 'function') throw new Error(`${where}: experiment needs a run(context) function`);
  for (const b of BUDGET_NAMES)
    if (e.budgets?.[b] === null || typeof e.budgets?.[b] !== 'object')
      throw new Error(`${where}: experiment needs a ${b} budget object`);
  return e;
}

/** Import one experiment file. */
export async function loadExperiment(file: ExperimentFile): Promise<Experiment> {
  if (!file.user) {
    const module = (await import(pathToFileURL(file.path).href)) as { default?: unknown; experiment?: unknown };
    return checkExperiment(module.default ?? module.experiment, file);
  }
  const module = (await importUserFile(file)) as { default?: unknown; experiment?: unknown };
  try {
    return checkExperiment(module.default ?? module.experiment, file);
  } catch (e) {
    // In a user's file a bad export is bad input (exit 2), not a bug of localprop.
    throw new InputError((e as Error).message);
  }
}

/** Does this argument of `localprop run` name a file rather than a shipped experiment? */
export function isExperimentPath(arg: string): boolean {
  return /[/\\]/.test(arg) || USER_EXTENSIONS.includes(extname(arg));
}

const USER_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];
const TYPESCRIPT_EXTENSIONS = ['.ts', '.mts'];
const USER_ORDER = 100;

/**
 * A user's experiment file: its name is the file name without the extension and without an NN- prefix
 * (which, when present, gives the reading order; other files come after the shipped experiments).
 */
export function userExperimentFile(arg: string): ExperimentFile {
  const path = resolve(arg);
  if (!existsSync(path)) throw new InputError(`${arg}: no such experiment file`);
  if (!statSync(path).isFile()) {
    throw new InputError(`${arg}: expected an experiment file (.ts or .js), not a folder or special file`);
  }
  const extension = extname(path);
  if (!USER_EXTENSIONS.includes(extension)) {
    throw new InputError(`${arg}: expected an experiment file ending in ${USER_EXTENSIONS.join(', ')}`);
  }
  const m = /^(?:(\d+)-)?(.*)$/.exec(basename(path, extension))!;
  const name = m[2]!;
  if (!NAME_PATTERN.test(name)) {
    const expected = 'expected lower case words joined by dashes, as in my-experiment.ts';
    throw new InputError(`${arg}: the file name gives the experiment name ${JSON.stringify(name)}; ${expected}`);
  }
  return { name, order: m[1] === undefined ? USER_ORDER : Number(m[1]), path, file: displayPath(path), user: true };
}

let typescriptLoader: Promise<void> | undefined;

/**
 * Import a user's file. A .ts file needs a TypeScript loader: running from the sources (through tsx)
 * there is one already; the compiled package registers tsx's, once, before the first such file.
 * Registered hooks keep module identity: the file's `import … from 'localprop'` gets the very modules
 * the CLI runs.
 */
async function importUserFile(file: ExperimentFile): Promise<unknown> {
  const underTypescript = import.meta.url.endsWith('.ts');
  if (TYPESCRIPT_EXTENSIONS.includes(extname(file.path)) && !underTypescript) {
    typescriptLoader ??= import('tsx/esm/api').then(({ register }) => void register());
    await typescriptLoader;
  }
  try {
    return await import(pathToFileURL(file.path).href);
  } catch (e) {
    // A file that does not parse or resolve is the user's bad input: one line saying where and why.
    // An error its own code throws while loading keeps its stack (an internal error, exit 1).
    const code = (e as { code?: unknown }).code;
    const transform = (e as Error).name === 'TransformError'; // tsx (esbuild) could not compile it
    if (e instanceof SyntaxError || transform || (typeof code === 'string' && code.startsWith('ERR_'))) {
      const lines = String((e as Error).message).split('\n');
      const where = lines.find((line) => line.includes(': ERROR: ')) ?? lines[0];
      throw new InputError(`${file.file}: could not load the experiment: ${where}`);
    }
    throw e;
  }
}
