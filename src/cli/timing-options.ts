/**
 * The agents engine's timing flags (README, The agents engine): --timing synchronous|scheduled,
 * --delay D (ticks on every connection, default 1), --delay-jitter A..B (a seeded delay per connection,
 * drawn from A..B inclusive). Delays are whole ticks ≥ 0. Train also takes --present-every P (a new
 * pattern every P ticks, P ≥ 1 whole, while earlier ones travel; scheduled, batch 1) and --weights
 * stale|stash (what its backward pass reads). Bad values are bad input (exit 2).
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { WeightVersion } from '../agents/overlap-neuron.ts';
import type { Timing } from '../agents/timing.ts';
import { InputError } from '../core/errors.ts';
import type { Random } from '../core/random.ts';
import type { EngineName } from '../nn/engine.ts';
import { oneOf } from './options.ts';

export interface TimingFlags {
  timing: 'synchronous' | 'scheduled';
  delay?: number;
  delayJitter?: [number, number];
  presentEvery?: number;
  weights?: WeightVersion;
  /** The minibatch size, where the command has one. */
  batch?: number;
}

export const DEFAULT_DELAY = 1;

function ticks(value: string): number {
  const v = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(v)) {
    throw new InvalidArgumentError(`expected a whole number of ticks ≥ 0, got "${value}"`);
  }
  return v;
}

function tickRange(value: string): [number, number] {
  const m = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(value);
  if (m === null) throw new InvalidArgumentError(`expected A..B, whole ticks with 0 ≤ A ≤ B, got "${value}"`);
  const [a, b] = [Number(m[1]), Number(m[2])];
  if (a > b) throw new InvalidArgumentError(`expected A..B with A ≤ B, got "${value}"`);
  return [a, b];
}

function presentEvery(value: string): number {
  const v = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(v) || v < 1) {
    throw new InvalidArgumentError(`expected a whole number of ticks ≥ 1, got "${value}"`);
  }
  return v;
}

/** Overlapping presentations (train only). */
function addOverlapOptions(command: Command): Command {
  return command
    .option(
      '--present-every <P>',
      "scheduled, batch 1: present a new pattern every P ticks (P ≥ 1), while earlier patterns' errors " +
        'still travel; each synapse learns when its error arrives (rules backprop, feedback-alignment, ' +
        'direct-feedback-alignment)',
      presentEvery,
    )
    .option(
      '--weights <version>',
      "--present-every: what the backward pass reads, stale (the weights now) or stash (the pattern's " +
        'forward weights; default stale)',
      oneOf(['stale', 'stash'] as const),
    );
}

/** --timing and the delays; with `overlap` (train), --present-every and --weights after them. */
export function addTimingOptions(command: Command, overlap = false): Command {
  const timed = command
    .option(
      '--timing <mode>',
      'agents engine: synchronous (a pattern runs to completion in one call) or scheduled (every message ' +
        "delivered in virtual time, after its connection's delay)",
      oneOf(['synchronous', 'scheduled'] as const),
      'synchronous',
    )
    .option('--delay <D>', `scheduled: the delay of every connection, in ticks (default ${DEFAULT_DELAY})`, ticks)
    .option('--delay-jitter <A..B>', 'scheduled: a delay per connection, from A..B ticks (seeded)', tickRange);
  return overlap ? addOverlapOptions(timed) : timed;
}

/** The engine's timing from the flags; InputError when they do not apply. */
export function timingOf(flags: TimingFlags, engine: EngineName, random: Random): Timing {
  const delayed = flags.delay !== undefined || flags.delayJitter !== undefined;
  if (flags.weights !== undefined && flags.presentEvery === undefined) {
    throw new InputError('--weights applies to --present-every');
  }
  if (flags.timing === 'synchronous') {
    if (flags.presentEvery !== undefined) throw new InputError('--present-every applies to --timing scheduled');
    if (delayed) throw new InputError(`--delay and --delay-jitter apply to --timing scheduled`);
    return { mode: 'synchronous' };
  }
  if (engine !== 'agents') throw new InputError(`--timing scheduled applies to --engine agents, not ${engine}`);
  if (flags.delay !== undefined && flags.delayJitter !== undefined) {
    throw new InputError('--delay and --delay-jitter exclude each other');
  }
  if (flags.presentEvery !== undefined && (flags.batch ?? 1) > 1) {
    throw new InputError(`--present-every learns one pattern at a time: --batch 1, not ${flags.batch}`);
  }
  const delay = flags.delay ?? DEFAULT_DELAY;
  const overlap = flags.presentEvery === undefined ? {} : { presentEvery: flags.presentEvery, weights: flags.weights };
  return { mode: 'scheduled', delay, jitter: flags.delayJitter, random, ...overlap };
}
