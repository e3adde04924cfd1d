/**
 * A study file (*.study.json): a name and a grid of axes; its cells are the grid's cross product.
 *
 *   { "name": "digits-rules", "description": "...",
 *     "grid": { "net": "../nets/digits-64-32-10.net.json", "dataset": "digits",
 *               "rule": ["backprop", "feedback-alignment", { "name": "merged", "symmetric": true }],
 *               "beta": [0.01, 0.1], "lr": 0.02, "epochs": 3, "limit": 500, "seed": [1, 2, 3] } }
 *
 * Each axis takes one value or a list. A rule may carry its own η ({ "name": "usf", "lr": 0.0001 }), which
 * its cells train with in place of the lr axis (it stays in the rule's config). An axis that does not apply to a cell's rule (β for
 * back-prop) is dropped from that cell, and cells that become equal are one cell. A cell's id
 * is a hash of its config with the axes at their defaults left out, so adding an axis later
 * (with a default) keeps every existing id, and with it every finished cell (README "Sweeps").
 * Net and data files are named relative to the study file.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../core/errors.ts';
import { DATASET_NAMES, IDX_DATASET_NAMES, readJsonFile } from '../data/index.ts';
import { ENGINE_NAMES, type EngineName } from '../nn/engine.ts';
import { RULE_NAMES, RULES, type RuleName } from '../rules/index.ts';

/** A rule and the options it takes. */
export interface RuleConfig {
  name: RuleName;
  beta?: number;
  symmetric?: boolean;
  steps?: number;
  gamma?: number;
  zil?: boolean;
  scaled?: boolean;
  /** This rule's η, in place of the grid's lr (feedback rules want their own, as BioTorch's configs give them). */
  lr?: number;
}

/** Everything one cell trains with; `localprop train` with the same flags computes the same run. */
export interface CellConfig {
  net: string;
  dataset: string;
  rule: RuleConfig;
  engine: EngineName;
  lr: number;
  epochs: number;
  batch: number;
  shuffle: boolean;
  /** Train on a seeded choice of this many training patterns (null: all). */
  limit: number | null;
  /** Measure on a seeded choice of this many held-out patterns (null: all). */
  testLimit: number | null;
  /** Held out of shipped data and data files (fashion-mnist and mnist use their official test set). */
  testFraction: number;
  /** SGD with momentum μ and weight decay λ (nn/momentum-step.ts); 0 and 0: the plain step. */
  momentum: number;
  weightDecay: number;
  /** η × lrGamma once each of these numbers of epochs is done (empty: a constant η). */
  lrSteps: number[];
  lrGamma: number;
  /** Zero pixels around each fashion-mnist or mnist image (2: 28×28 → 32×32). */
  pad: number;
  seed: number | string;
}

export interface Cell {
  id: string;
  config: CellConfig;
}

export interface Study {
  name: string;
  description: string;
  /** The study file, as given (its folder anchors the net and data paths). */
  path: string;
  cells: Cell[];
  published?: Published;
}

function publishedValue(v: unknown, where: string): Published {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail(where, '{ "source", "note", "errors" }', v);
  const { source, note, errors, ...rest } = v as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw new InputError(`${where}.${extra}: unknown field (expected source, note, errors)`);
  text(source, `${where}.source`);
  if (typeof note !== 'string') fail(`${where}.note`, 'a string', note);
  if (errors === null || typeof errors !== 'object' || Array.isArray(errors))
    return fail(`${where}.errors`, 'an object of error % by rule name', errors);
  for (const [rule, e] of Object.entries(errors)) {
    if (!(RULE_NAMES as readonly string[]).includes(rule)) fail(`${where}.errors.${rule}`, `a rule name`, rule);
    if (typeof e !== 'number' || !(e >= 0 && e <= 100)) fail(`${where}.errors.${rule}`, 'an error % in [0, 100]', e);
  }
  return { source: source as string, note: note as string, errors: errors as Published['errors'] };
}

/** The options a rule takes in a study file (the others are dropped from its cells): its own, as the rules table lists them. */
const ruleOptions = (name: RuleName): readonly (keyof RuleConfig)[] =>
  (RULES[name].options as readonly string[]).filter((key): key is keyof RuleConfig => key in RULE_OPTION_CHECKS);

type Check = (value: unknown, where: string) => unknown;

const fail = (where: string, expected: string, value: unknown): never => {
  throw new InputError(`${where}: expected ${expected}, got ${JSON.stringify(value) ?? String(value)}`);
};
const positiveNumber: Check = (v, w) =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fail(w, 'a positive number', v);
const positiveInt: Check = (v, w) =>
  Number.isSafeInteger(v) && (v as number) > 0 ? v : fail(w, 'a positive integer', v);
const limitValue: Check = (v, w) => (v === null ? null : positiveInt(v, w));
const fractionValue: Check = (v, w) =>
  typeof v === 'number' && v >= 0 && v < 1 ? v : fail(w, 'a number in [0, 1)', v);
const nonNegativeNumber: Check = (v, w) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(w, 'a number ≥ 0', v);
const nonNegativeInt: Check = (v, w) =>
  Number.isSafeInteger(v) && (v as number) >= 0 ? v : fail(w, 'an integer ≥ 0', v);
const lrStepsValue: Check = (v, w) =>
  Array.isArray(v) && v.every((e, k) => Number.isSafeInteger(e) && e > 0 && (k === 0 || e > v[k - 1]))
    ? v
    : fail(w, 'increasing epoch counts, as [50, 75]', v);
const bool: Check = (v, w) => (typeof v === 'boolean' ? v : fail(w, 'true or false', v));
const text: Check = (v, w) => (typeof v === 'string' && v !== '' ? v : fail(w, 'a non-empty string', v));
const seedValue: Check = (v, w) =>
  (typeof v === 'string' && v !== '') || Number.isSafeInteger(v) ? v : fail(w, 'an integer or a string', v);
const engineValue: Check = (v, w) =>
  (ENGINE_NAMES as readonly unknown[]).includes(v) ? v : fail(w, `one of ${ENGINE_NAMES.join(', ')}`, v);

const DATASETS = [...DATASET_NAMES, ...IDX_DATASET_NAMES] as readonly string[];
const dataValue: Check = (v, w) =>
  typeof v === 'string' && (DATASETS.includes(v) || /\.(json|csv|csv\.gz)$/i.test(v))
    ? v
    : fail(w, `a data set (${DATASETS.join(', ')}) or a data file (*.json, *.csv, *.csv.gz)`, v);

const RULE_OPTION_CHECKS: Readonly<Record<string, Check>> = {
  beta: positiveNumber,
  symmetric: bool,
  steps: positiveInt,
  gamma: positiveNumber,
  zil: bool,
  scaled: bool,
};

const ruleValue: Check = (v, w) => {
  const rule = typeof v === 'string' ? { name: v } : v;
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
    return fail(w, 'a rule name or { "name": ..., options }', v);
  }
  const name = (rule as { name?: unknown }).name;
  if (!(RULE_NAMES as readonly unknown[]).includes(name)) {
    return fail(`${w}.name`, `one of ${RULE_NAMES.join(', ')}`, name);
  }
  const out: Record<string, unknown> = { name };
  for (const [key, value] of Object.entries(rule)) {
    if (key === 'name') continue;
    if (key === 'lr') {
      out.lr = positiveNumber(value, `${w}.lr`);
      continue;
    }
    if (!(ruleOptions(name as RuleName) as readonly string[]).includes(key)) {
      const takes = ruleOptions(name as RuleName);
      const list = [...takes, 'lr'].join(', ');
      throw new InputError(`${w}.${key}: unknown option for rule ${name as string} (it takes ${list})`);
    }
    out[key] = RULE_OPTION_CHECKS[key]!(value, `${w}.${key}`);
  }
  return out;
};

/**
 * The axes, in the order that cells vary (the last fastest) and configs list them. A new axis
 * (momentum, weight decay, a learning-rate schedule) is one more entry with a default.
 */
interface Axis {
  name: string;
  check: Check;
  /** Absent: the axis is required. */
  default?: unknown;
  /** A value is itself a list (lrSteps: [50, 75]); a list of values is then a list of lists. */
  listValued?: boolean;
}

const AXES: readonly Axis[] = [
  { name: 'net', check: text },
  { name: 'dataset', check: dataValue },
  { name: 'engine', check: engineValue, default: 'matrix' },
  { name: 'rule', check: ruleValue },
  { name: 'beta', check: positiveNumber, default: null },
  { name: 'lr', check: positiveNumber, default: 0.01 },
  { name: 'epochs', check: positiveInt, default: 10 },
  { name: 'batch', check: positiveInt, default: 1 },
  { name: 'shuffle', check: bool, default: true },
  { name: 'limit', check: limitValue, default: null },
  { name: 'testLimit', check: limitValue, default: null },
  { name: 'testFraction', check: fractionValue, default: 0.2 },
  { name: 'momentum', check: fractionValue, default: 0 },
  { name: 'weightDecay', check: nonNegativeNumber, default: 0 },
  { name: 'lrSteps', check: lrStepsValue, default: [], listValued: true },
  { name: 'lrGamma', check: positiveNumber, default: 0.1 },
  { name: 'pad', check: nonNegativeInt, default: 0 },
  { name: 'seed', check: seedValue },
];

const TOP_KEYS = ['name', 'description', 'grid', 'full', 'published'];

/** Published error rates to set beside the study's (README "Studies"): top-1 error % by rule name. */
export interface Published {
  /** Where the figures are printed (an address). */
  source: string;
  /** How they were obtained: model, budget, split. */
  note: string;
  errors: Partial<Record<RuleName, number>>;
}

export interface StudyOptions {
  /** Take the study's "full" budget: its axes replace the grid's, and the name gains "-full". */
  full?: boolean;
}

/** JSON with object keys in the order given here (the config's own order is fixed by construction). */
const canonical = (value: unknown): string => JSON.stringify(value);

/** The config without the axes at their defaults: what a cell's id is a hash of. */
function idBasis(config: CellConfig): Record<string, unknown> {
  const basis: Record<string, unknown> = {};
  for (const axis of AXES) {
    if (axis.name === 'beta') continue;
    const value = (config as unknown as Record<string, unknown>)[axis.name];
    if (axis.default !== undefined && canonical(value) === canonical(axis.default)) continue;
    basis[axis.name] = value;
  }
  return basis;
}

const hash = (value: unknown): string => createHash('sha256').update(canonical(value)).digest('hex').slice(0, 12);

/** A cell's id: readable head (rule and seed), then a hash of its config. */
export function cellId(config: CellConfig): string {
  const seed = String(config.seed).replace(/[^A-Za-z0-9_.-]/g, '_');
  return `${config.rule.name}-s${seed}-${hash(idBasis(config))}`;
}

/** The id of a cell's group: the same config for every seed. */
export function groupId(config: CellConfig): string {
  const basis = idBasis(config);
  delete basis.seed;
  return `${config.rule.name}-${hash(basis)}`;
}

/**
 * Parse and check a study object; `path` names the file in errors. A study may give a "full" budget beside its grid
 * (BioTorch's 100 epochs on every image): axes that replace the grid's under `sweep --full`. It is checked either way.
 */
export function parseStudy(json: unknown, path: string, options: StudyOptions = {}): Study {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InputError(`${path}: expected an object { "name", "grid" }`);
  }
  const top = json as Record<string, unknown>;
  for (const key of Object.keys(top)) {
    if (TOP_KEYS.includes(key)) continue;
    throw new InputError(`${path}: unknown field "${key}" (expected ${TOP_KEYS.join(', ')})`);
  }
  const name = top.name;
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    fail(`${path}: name`, 'a name of letters, digits, _ . -', name);
  }
  const description = top.description ?? '';
  if (typeof description !== 'string') fail(`${path}: description`, 'a string', description);
  const grid = top.grid;
  if (grid === null || typeof grid !== 'object' || Array.isArray(grid)) {
    return fail(`${path}: grid`, 'an object of axes', grid);
  }
  const names = AXES.map((a) => a.name);
  for (const key of Object.keys(grid)) {
    if (!names.includes(key)) throw new InputError(`${path}: grid.${key}: unknown axis (expected ${names.join(', ')})`);
  }
  const full = top.full;
  if (full !== undefined) {
    if (full === null || typeof full !== 'object' || Array.isArray(full)) {
      return fail(`${path}: full`, "an object of axes that replace the grid's", full);
    }
    for (const key of Object.keys(full)) {
      if (!names.includes(key))
        throw new InputError(`${path}: full.${key}: unknown axis (expected ${names.join(', ')})`);
    }
    const fullGrid = { ...grid, ...full };
    const { full: _, ...rest } = top;
    if (options.full) return parseStudy({ ...rest, name: `${name as string}-full`, grid: fullGrid }, path);
    parseStudy({ ...rest, grid: fullGrid }, path);
  } else if (options.full) {
    throw new InputError(`${path}: --full: the study gives no "full" budget`);
  }

  const values: unknown[][] = AXES.map((axis) => {
    const given = (grid as Record<string, unknown>)[axis.name];
    if (given === undefined) {
      if (axis.default === undefined) throw new InputError(`${path}: grid.${axis.name}: missing (a required axis)`);
      return [axis.default];
    }
    const isList = Array.isArray(given) && (!axis.listValued || given.every(Array.isArray));
    const list = isList ? (given as unknown[]) : [given];
    if (list.length === 0) throw new InputError(`${path}: grid.${axis.name}: an empty list`);
    return list.map((v, k) => axis.check(v, `${path}: grid.${axis.name}${isList ? `[${k}]` : ''}`));
  });

  const cells: Cell[] = [];
  const seen = new Set<string>();
  const product = (k: number, picked: unknown[]): void => {
    if (k === AXES.length) {
      const config = cellConfig(picked);
      const id = cellId(config);
      if (!seen.has(id)) {
        seen.add(id);
        cells.push({ id, config });
      }
      return;
    }
    for (const v of values[k]!) product(k + 1, [...picked, v]);
  };
  product(0, []);

  const folder = dirname(path);
  const dataFiles = (dataset: string): string[] => (DATASETS.includes(dataset) ? [] : [dataset]);
  const files = cells.flatMap((c) => [c.config.net, ...dataFiles(c.config.dataset)]);
  for (const file of new Set(files)) {
    if (!existsSync(resolve(folder, file))) {
      throw new InputError(`${path}: ${file}: no such file (paths are relative to the study file)`);
    }
  }
  const published = top.published === undefined ? undefined : publishedValue(top.published, `${path}: published`);
  return { name: name as string, description: description as string, path, cells, ...(published && { published }) };
}

/** One pick per axis → the cell's config; β goes into the rule if the rule takes it. */
function cellConfig(picked: unknown[]): CellConfig {
  const v = Object.fromEntries(AXES.map((axis, k) => [axis.name, picked[k]])) as Record<string, unknown>;
  const rule = { ...(v.rule as RuleConfig) };
  const takesBeta = ruleOptions(rule.name).includes('beta');
  if (v.beta !== null && takesBeta && rule.beta === undefined) rule.beta = v.beta as number;
  // Options in a fixed order, so equal rules serialise equally.
  const ordered: RuleConfig = { name: rule.name };
  for (const key of ruleOptions(rule.name)) {
    if (rule[key] !== undefined) (ordered as unknown as Record<string, unknown>)[key] = rule[key];
  }
  // The rule's own η stays with the rule: groups that differ only in the rule are still compared (the gap).
  if (rule.lr !== undefined) ordered.lr = rule.lr;
  return {
    net: v.net as string,
    dataset: v.dataset as string,
    rule: ordered,
    engine: v.engine as EngineName,
    lr: v.lr as number,
    epochs: v.epochs as number,
    batch: v.batch as number,
    shuffle: v.shuffle as boolean,
    limit: v.limit as number | null,
    testLimit: v.testLimit as number | null,
    testFraction: v.testFraction as number,
    momentum: v.momentum as number,
    weightDecay: v.weightDecay as number,
    lrSteps: v.lrSteps as number[],
    lrGamma: v.lrGamma as number,
    pad: v.pad as number,
    seed: v.seed as number | string,
  };
}

export function loadStudy(path: string, options: StudyOptions = {}): Study {
  if (!existsSync(path)) throw new InputError(`${path}: no such study file`);
  return parseStudy(readJsonFile(path), path, options);
}

/** What a sweep folder's study.json holds: the study's cells, without where its file lay. */
export function studyToJSON(study: Study): string {
  const { name, description, cells, published } = study;
  return `${JSON.stringify({ name, description, ...(published && { published }), cells }, null, 2)}\n`;
}
