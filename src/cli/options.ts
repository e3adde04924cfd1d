/**
 * Option parsers and loaders shared by the commands. Each turns bad input into one clear line
 * (commander's InvalidArgumentError or an InputError); nothing here writes a file.
 */
import { InvalidArgumentError } from 'commander';
import { InputError } from '../core/errors.ts';
import { DATASET_NAMES, IDX_DATASET_NAMES, loadDataset, readDataFile, readJsonFile } from '../data/index.ts';
import { ENGINE_NAMES, type EngineName } from '../nn/engine.ts';
import { RULE_NAMES, RULES, type RuleName, type RuleOptions } from '../rules/index.ts';
import type { DynamicsName, DynamicsOptions } from '../rules/merged-continuous.ts';
import { paramsFromJSON, type Params } from '../nn/params.ts';
import { netInputSize, netOutputSize, parseNetSpec, type NetSpec } from '../nn/spec.ts';
import type { Dataset } from '../nn/sgd.ts';

export function positiveNumber(value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v <= 0)
    throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  return v;
}

export function nonNegativeNumber(value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v < 0)
    throw new InvalidArgumentError(`expected a number ≥ 0, got "${value}"`);
  return v;
}

export function nonNegativeInt(value: string): number {
  const v = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(v))
    throw new InvalidArgumentError(`expected an integer ≥ 0, got "${value}"`);
  return v;
}

export function positiveInt(value: string): number {
  const v = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(v) || v <= 0)
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return v;
}

export function fraction(value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v < 0 || v >= 1)
    throw new InvalidArgumentError(`expected a number in [0, 1), got "${value}"`);
  return v;
}

export function oneOf<T extends string>(names: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(names as readonly string[]).includes(value))
      throw new InvalidArgumentError(`expected one of ${names.join(', ')}, got "${value}"`);
    return value as T;
  };
}

export const engineName = oneOf<EngineName>(ENGINE_NAMES);
export const ruleName = oneOf<RuleName>(RULE_NAMES);

export function loadNet(path: string): NetSpec {
  return parseNetSpec(readJsonFile(path), path);
}

export function loadParams(spec: NetSpec, path: string): Params {
  return paramsFromJSON(spec, readJsonFile(path), path);
}

/** --data: a JSON batch, or a labelled CSV (*.csv, *.csv.gz) whose last column is the class. */
export function loadBatch(spec: NetSpec, path: string): Dataset {
  // Softmax cross-entropy compares the softmax with the target as distributions: the target must be one.
  return readDataFile(path, netInputSize(spec), netOutputSize(spec), {
    distribution: spec.loss === 'softmax-cross-entropy',
  });
}

/** Every name --dataset takes: the shipped ones and the IDX ones read from a data folder. */
export const ALL_DATASET_NAMES: readonly string[] = [...DATASET_NAMES, ...IDX_DATASET_NAMES];

/** Check a data set's pattern size and class count against the net. */
export function checkDatasetFits(spec: NetSpec, name: string, size: number, classes: number): void {
  if (size !== netInputSize(spec)) {
    const input = `[${spec.input.join(', ')}]`;
    throw new InputError(
      `dataset ${name} has ${size} inputs per pattern, but the net's input ${input} takes ${netInputSize(spec)}`,
    );
  }
  if (classes !== netOutputSize(spec)) {
    throw new InputError(
      `dataset ${name} has ${classes} classes, but the net's last layer has ${netOutputSize(spec)} outputs`,
    );
  }
}

/** A shipped data set, checked against the net's input and output sizes. */
export function loadNamedDataset(spec: NetSpec, name: string): Dataset {
  const data = loadDataset(name);
  checkDatasetFits(spec, name, data.inputs[0]!.length, data.classes);
  return data;
}

export interface RuleFlags {
  rule: RuleName;
  beta?: number;
  symmetric?: boolean;
  steps?: number;
  gamma?: number;
  zil?: boolean;
  scaled?: boolean;
  seed: string;
  dynamics?: DynamicsName;
  tau?: number;
  dt?: number;
  phase?: number;
  settle?: number;
}

/** --dynamics and its settings (checked against the rule and engine when the engine is made). */
export function dynamicsOptions(flags: RuleFlags): DynamicsOptions {
  return { dynamics: flags.dynamics, tau: flags.tau, dt: flags.dt, phase: flags.phase, settle: flags.settle };
}

/** The flag of each rule option (RuleOptions' key → --flag). */
const RULE_FLAGS = {
  beta: '--beta',
  symmetric: '--symmetric',
  steps: '--steps',
  gamma: '--gamma',
  zil: '--zil',
  scaled: '--scaled',
};

/** The rule's options from the flags; InputError for an option the chosen rule does not take (it would be ignored). */
export function ruleOptions(flags: RuleFlags): RuleOptions {
  const takes: readonly string[] = RULES[flags.rule].options;
  for (const [key, flag] of Object.entries(RULE_FLAGS)) {
    if (flags[key as keyof typeof RULE_FLAGS] === undefined || takes.includes(key)) continue;
    const owners = RULE_NAMES.filter((name) => (RULES[name].options as readonly string[]).includes(key));
    throw new InputError(`${flag} applies to --rule ${owners.join(' or ')}, not to --rule ${flags.rule}`);
  }
  return {
    rule: flags.rule,
    beta: flags.beta,
    symmetric: flags.symmetric,
    steps: flags.steps,
    gamma: flags.gamma,
    zil: flags.zil,
    scaled: flags.scaled,
    feedbackSeed: `${flags.seed}/feedback`,
  };
}
