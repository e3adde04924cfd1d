/**
 * Option parsers and loaders shared by the commands. Each turns bad input into one clear line
 * (commander's InvalidArgumentError or an InputError); nothing here writes a file.
 */
import { InvalidArgumentError } from 'commander';
import { InputError } from '../core/errors.ts';
import { loadDataset, readBatchFile, readJsonFile } from '../data/index.ts';
import { ENGINE_NAMES, RULE_NAMES, type EngineName, type RuleName, type RuleOptions } from '../nn/engine.ts';
import { paramsFromJSON, type Params } from '../nn/params.ts';
import { parseNetSpec, type NetSpec } from '../nn/spec.ts';
import type { Dataset } from '../nn/sgd.ts';

export function positiveNumber(value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v <= 0) throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  return v;
}

export function nonNegativeNumber(value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v < 0) throw new InvalidArgumentError(`expected a number ≥ 0, got "${value}"`);
  return v;
}

export function positiveInt(value: string): number {
  const v = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(v) || v <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return v;
}

export function fraction(value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v < 0 || v >= 1) throw new InvalidArgumentError(`expected a number in [0, 1), got "${value}"`);
  return v;
}

export function oneOf<T extends string>(names: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(names as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${names.join(', ')}, got "${value}"`);
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

export function outputSize(spec: NetSpec): number {
  const last = spec.layers[spec.layers.length - 1]!;
  if (last.type !== 'dense') throw new InputError('the last layer must be dense');
  return last.units;
}

export function inputSize(spec: NetSpec): number {
  return spec.input.reduce((a, b) => a * b, 1);
}

export function loadBatch(spec: NetSpec, path: string): Dataset {
  return readBatchFile(path, inputSize(spec), outputSize(spec));
}

/** A shipped data set, checked against the net's input and output sizes. */
export function loadNamedDataset(spec: NetSpec, name: string): Dataset {
  const data = loadDataset(name);
  const n = data.inputs[0]!.length;
  if (n !== inputSize(spec)) throw new InputError(`dataset ${name} has ${n} inputs per pattern, but the net's input ${JSON.stringify(spec.input)} takes ${inputSize(spec)}`);
  if (data.classes !== outputSize(spec)) throw new InputError(`dataset ${name} has ${data.classes} classes, but the net's last layer has ${outputSize(spec)} units`);
  return data;
}

export interface RuleFlags {
  rule: RuleName;
  beta?: number;
  symmetric?: boolean;
  steps?: number;
  gamma?: number;
  zil?: boolean;
  seed: string;
}

export function ruleOptions(flags: RuleFlags): RuleOptions {
  return {
    rule: flags.rule,
    beta: flags.beta,
    symmetric: flags.symmetric,
    steps: flags.steps,
    gamma: flags.gamma,
    zil: flags.zil,
    feedbackSeed: `${flags.seed}/feedback`,
  };
}
