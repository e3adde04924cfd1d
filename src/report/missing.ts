/**
 * Experiments grow as engines and rules land: building one that does not exist yet throws an
 * InputError saying "not built yet". These helpers turn that into a note instead of a failure;
 * any other error still fails the run.
 */
import { InputError } from '../core/errors.ts';
import { createEngine } from '../engines/index.ts';
import type { Engine, EngineName } from '../nn/engine.ts';
import type { RuleOptions } from '../rules/index.ts';
import type { NetworkOptions } from '../nn/network.ts';
import type { Params } from '../nn/params.ts';
import type { NetSpec } from '../nn/spec.ts';

/** True for the InputError an engine or rule throws when it is not built yet. */
export function isNotBuiltYet(e: unknown): e is InputError {
  return e instanceof InputError && /not built yet/i.test(e.message);
}

export type EngineAttempt = { engine: Engine; missing: null } | { engine: null; missing: string };

/** createEngine, or the reason it is missing (the InputError's message). */
export function tryCreateEngine(engine: EngineName, spec: NetSpec, params: Params, rule: RuleOptions, options: NetworkOptions = {}): EngineAttempt {
  try {
    return { engine: createEngine(engine, spec, params, rule, options), missing: null };
  } catch (e) {
    if (isNotBuiltYet(e)) return { engine: null, missing: e.message };
    throw e;
  }
}

/** The note an experiment records for a skipped combination. */
export function skippedNote(what: string, reason: string): string {
  return `${what}: skipped, ${reason}`;
}
